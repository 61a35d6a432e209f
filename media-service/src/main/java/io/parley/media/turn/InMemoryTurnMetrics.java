package io.parley.media.turn;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe in-memory {@link TurnMetrics} for tests and diagnostics; readers may poll from any thread. */
public final class InMemoryTurnMetrics implements TurnMetrics {
    private final AtomicInteger active = new AtomicInteger();
    private final Map<Direction, LongAdder> packets = new EnumMap<>(Direction.class);
    private final Map<Direction, LongAdder> bytes = new EnumMap<>(Direction.class);
    private final Map<Refusal, LongAdder> refusals = new EnumMap<>(Refusal.class);
    private final LongAdder authFailures = new LongAdder();

    public InMemoryTurnMetrics() {
        for (Direction d : Direction.values()) {
            packets.put(d, new LongAdder());
            bytes.put(d, new LongAdder());
        }
        for (Refusal r : Refusal.values()) {
            refusals.put(r, new LongAdder());
        }
    }

    @Override
    public void activeAllocations(int count) {
        active.set(count);
    }

    @Override
    public void relayed(Direction direction, int n) {
        packets.get(direction).increment();
        bytes.get(direction).add(n);
    }

    @Override
    public void authFailure() {
        authFailures.increment();
    }

    @Override
    public void refused(Refusal reason) {
        refusals.get(reason).increment();
    }

    public int activeAllocations() {
        return active.get();
    }

    public long packets(Direction d) {
        return packets.get(d).sum();
    }

    public long bytes(Direction d) {
        return bytes.get(d).sum();
    }

    public long authFailures() {
        return authFailures.sum();
    }

    public long refusals(Refusal r) {
        return refusals.get(r).sum();
    }
}
