package io.parley.notification.incoming;

import io.parley.protocol.notification.NotificationMessages.IncomingCall;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls ringing for each callee, as this instance read them from {@code parley.call-events}: a page whose
 * notification socket (re)connects while a call rings gets its {@code incoming_call} too, so a reconnect loses no
 * popup. A call leaves when it is answered or ends; one whose end never arrives is dropped after {@link #MAX_RING}.
 */
@ApplicationScoped
public class RingingCalls {

    /** Longer than any ring timeout: signaling ends a ringing call after 45 s by default. */
    static final Duration MAX_RING = Duration.ofMinutes(2);

    private record Ringing(IncomingCall call, Instant until) {
    }

    private final Map<String, Map<String, Ringing>> byCallee = new ConcurrentHashMap<>();

    public void invited(String calleeId, IncomingCall call, Instant at) {
        byCallee.computeIfAbsent(calleeId, id -> new ConcurrentHashMap<>()).put(call.callId(),
                new Ringing(call, (at == null ? Instant.now() : at).plus(MAX_RING)));
    }

    public void closed(String calleeId, String callId) {
        byCallee.computeIfPresent(calleeId, (id, calls) -> {
            calls.remove(callId);
            return calls.isEmpty() ? null : calls;
        });
    }

    /** The calls ringing for {@code calleeId} now, oldest first. */
    public List<IncomingCall> of(String calleeId, Instant now) {
        Map<String, Ringing> calls = byCallee.get(calleeId);
        if (calls == null) {
            return List.of();
        }
        calls.values().removeIf(ringing -> ringing.until().isBefore(now));
        return calls.values().stream().sorted(java.util.Comparator.comparing(Ringing::until)).map(Ringing::call).toList();
    }
}
