package io.parley.signaling.call.service;

import io.parley.protocol.EnvelopeWriter;
import io.parley.signaling.call.machine.Recipient;
import io.parley.signaling.call.relay.Outgoing;
import io.parley.signaling.call.repository.CallRecord;
import io.parley.signaling.call.repository.CallRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongFunction;

/**
 * The server events of a call, numbered (seq), kept for replay and addressed (docs/protocol.md, "Sessions and
 * resume"): every event a party is sent is first written to {@code call_messages} in the transaction that
 * caused it, so a session that resumes gets what it missed, in order.
 */
@ApplicationScoped
public class CallLog {

    /** One event to record: its type, who gets it, and its payload for a given seq. */
    public record Entry(Recipient to, String type, LongFunction<Object> payload) {
    }

    private final CallRepository calls;
    private final EnvelopeWriter messages;

    public CallLog(CallRepository calls, EnvelopeWriter messages) {
        this.calls = calls;
        this.messages = messages;
    }

    /**
     * Stores the entries in this transaction, numbered up to the call's {@code lastSeq} (the transition that sends
     * them reserved their seqs: {@code lastSeq} counts them already); the messages to deliver once it commits, in
     * order.
     */
    public Uni<List<Outgoing>> record(CallRecord call, List<Entry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        long seq = call.lastSeq - entries.size() + 1;
        List<Outgoing> out = new ArrayList<>();
        StringBuilder sql = new StringBuilder("insert into call_messages (call_id, seq, recipient_id, body) values ");
        List<Object> params = new ArrayList<>();
        for (Entry entry : entries) {
            String body = messages.event(entry.type(), entry.payload().apply(seq));
            if (!params.isEmpty()) {
                sql.append(", ");
            }
            int n = params.size();
            sql.append("(?").append(n + 1).append(", ?").append(n + 2).append(", ?").append(n + 3).append(", ?")
                    .append(n + 4).append(')');
            params.add(call.id);
            params.add(seq);
            params.add(recipientId(call, entry.to()));
            params.add(body);
            address(call, entry.to(), body, out);
            seq++;
        }
        return Panache.getSession().chain(session -> {
            var insert = session.createNativeQuery(sql.toString());
            for (int i = 0; i < params.size(); i++) {
                insert.setParameter(i + 1, params.get(i));
            }
            return insert.executeUpdate();
        }).replaceWith(out);
    }

    /**
     * Relays one event of a connected call from the requester's bound session to the other party: numbered and
     * stored in one statement; the message to deliver, or null when the call is not a connected call bound to that
     * session (nothing stored).
     */
    public Uni<Outgoing> relay(UUID callId, String userId, UUID sessionId, String type, LongFunction<Object> payload) {
        return calls.relay(callId, userId, sessionId, messages.event(type, payload.apply(0))).map(relayed -> {
            if (relayed == null) {
                return null;
            }
            String body = messages.event(type, payload.apply(relayed.seq()));
            return userId.equals(relayed.callerId()) ? Outgoing.toSession(relayed.calleeId(), relayed.calleeSessionId(), body)
                    : Outgoing.toSession(relayed.callerId(), relayed.callerSessionId(), body);
        });
    }

    /**
     * What a resuming {@code userId} missed of these calls, in order: the events for them (or for both parties)
     * with a seq above what they saw ({@code lastSeq}, 0 for calls not in it).
     */
    public Uni<List<String>> missed(String userId, List<UUID> callIds, Map<UUID, Long> lastSeq) {
        if (callIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                select call_id, seq, body from call_messages
                where call_id in (?1) and (recipient_id is null or recipient_id = ?2)
                order by call_id, seq""", Object[].class)
                .setParameter(1, callIds).setParameter(2, userId).getResultList())
                .map(rows -> {
                    // The calls in the order given (oldest first), each call's events in seq order.
                    Map<UUID, List<String>> byCall = new java.util.LinkedHashMap<>();
                    callIds.forEach(id -> byCall.put(id, new ArrayList<>()));
                    for (Object[] row : rows) {
                        UUID callId = (UUID) row[0];
                        long seq = ((Number) row[1]).longValue();
                        if (seq > lastSeq.getOrDefault(callId, 0L)) {
                            byCall.get(callId).add((String) row[2]);
                        }
                    }
                    return byCall.values().stream().flatMap(List::stream).toList();
                });
    }

    private static String recipientId(CallRecord call, Recipient to) {
        return switch (to) {
            case CALLER -> call.callerId;
            case CALLEE -> call.calleeId;
            case BOTH, BOTH_OR_CALLEE_EVERYWHERE -> null;
        };
    }

    private static void address(CallRecord call, Recipient to, String body, List<Outgoing> out) {
        if (to != Recipient.CALLEE && call.callerSessionId != null) {
            out.add(Outgoing.toSession(call.callerId, call.callerSessionId, body));
        }
        if (to == Recipient.CALLER) {
            return;
        }
        if (call.calleeSessionId != null) {
            out.add(Outgoing.toSession(call.calleeId, call.calleeSessionId, body));
        } else if (to == Recipient.BOTH_OR_CALLEE_EVERYWHERE) {
            out.add(Outgoing.toEverySocket(call.calleeId, body));
        }
    }
}
