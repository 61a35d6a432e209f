package io.parley.media.turn.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.parley.media.turn.TurnMetrics;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes the relay's {@link TurnMetrics} to Micrometer, scraped at {@code /q/metrics} as:
 * <ul>
 * <li>{@code parley_turn_allocations_active} (gauge): allocations currently alive;</li>
 * <li>{@code parley_turn_relayed_packets_total{direction}}: packets relayed, {@code direction} is
 * {@code client_to_peer} or {@code peer_to_client};</li>
 * <li>{@code parley_turn_relayed_bytes_total{direction}}: payload bytes relayed;</li>
 * <li>{@code parley_turn_auth_failures_total}: requests whose credentials failed (wrong secret, expired, realm);</li>
 * <li>{@code parley_turn_refusals_total{reason}}: refused requests and dropped packets, {@code reason} is the
 * lower-case {@link TurnMetrics.Refusal} name (e.g. {@code forbidden_peer}, {@code quota}, {@code rate_limited},
 * {@code bandwidth}, {@code no_permission}).</li>
 * </ul>
 * Every series is registered up front so dashboards see zeros instead of missing series.
 */
@Singleton
public class MicrometerTurnMetrics implements TurnMetrics {

    private final AtomicInteger active = new AtomicInteger();
    private final Map<Direction, Counter> packets = new EnumMap<>(Direction.class);
    private final Map<Direction, Counter> bytes = new EnumMap<>(Direction.class);
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
    private final Counter authFailures;

    public MicrometerTurnMetrics(MeterRegistry registry) {
        Gauge.builder("parley.turn.allocations.active", active, AtomicInteger::get)
                .description("TURN allocations currently alive")
                .strongReference(true)
                .register(registry);
        for (Direction d : Direction.values()) {
            String direction = tagValue(d);
            packets.put(d, Counter.builder("parley.turn.relayed.packets").tag("direction", direction)
                    .description("Packets relayed between TURN clients and peers").register(registry));
            bytes.put(d, Counter.builder("parley.turn.relayed.bytes").tag("direction", direction)
                    .baseUnit(BaseUnits.BYTES).description("Payload bytes relayed between TURN clients and peers")
                    .register(registry));
        }
        for (Refusal r : Refusal.values()) {
            refusals.put(r, Counter.builder("parley.turn.refusals").tag("reason", tagValue(r))
                    .description("TURN requests refused and relayed packets dropped, by reason").register(registry));
        }
        authFailures = Counter.builder("parley.turn.auth.failures")
                .description("TURN requests whose credentials failed verification").register(registry);
    }

    private static String tagValue(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void activeAllocations(int count) {
        active.set(count);
    }

    @Override
    public void relayed(Direction direction, int n) {
        packets.get(direction).increment();
        bytes.get(direction).increment(n);
    }

    @Override
    public void authFailure() {
        authFailures.increment();
    }

    @Override
    public void refused(Refusal reason) {
        refusals.get(reason).increment();
    }
}
