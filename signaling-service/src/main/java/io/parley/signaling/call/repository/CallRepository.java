package io.parley.signaling.call.repository;

import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Reads and transitions calls. Every transition is one guarded update ({@code ... where state in
 * (expected)}) that reports whether it won, so two racing requests (answer and cancel) have one winner.
 * Callers run these inside a transaction.
 */
@ApplicationScoped
public class CallRepository {

    private static final List<CallState> CONNECTED = List.of(CallState.ANSWERED, CallState.ESTABLISHED, CallState.HELD);

    public Uni<CallRecord> find(UUID id) {
        return CallRecord.findById(id);
    }

    /** True when the user is a party of a connected call (answered, established or held). */
    public Uni<Boolean> isBusy(String userId) {
        return CallRecord.count("(callerId = ?1 or calleeId = ?1) and state in ?2", userId, CONNECTED).map(n -> n > 0);
    }

    /** The user's calls that have not ended, oldest first. */
    public Uni<List<CallRecord>> openCallsOf(String userId) {
        return CallRecord.list("(callerId = ?1 or calleeId = ?1) and state <> ?2", Sort.by("createdAt"), userId,
                CallState.ENDED);
    }

    /** Calls not ended that are bound to a connection. */
    public Uni<List<CallRecord>> openCallsBoundTo(String connectionId) {
        return CallRecord.list("(callerConnectionId = ?1 or calleeConnectionId = ?1) and state <> ?2", connectionId,
                CallState.ENDED);
    }

    /** One page of the user's history, newest first. */
    public Uni<List<CallRecord>> historyOf(String userId, int page, int size) {
        return CallRecord.<CallRecord>find("callerId = ?1 or calleeId = ?1", Sort.descending("createdAt").and("id"), userId)
                .page(Page.of(page, size)).list();
    }

    public Uni<Long> countHistoryOf(String userId) {
        return CallRecord.count("callerId = ?1 or calleeId = ?1", userId);
    }

    /** Ids of calls whose ring or negotiation deadline has passed. */
    public Uni<List<CallRecord>> overdue(Instant now) {
        return CallRecord.list("(state = ?1 and ringDeadline < ?3) or (state = ?2 and negotiationDeadline < ?3)",
                CallState.RINGING, CallState.ANSWERED, now);
    }

    /** RINGING to ANSWERED, bound to the answering connection. */
    public Uni<Boolean> answer(UUID id, String connectionId, Instant now, Instant negotiationDeadline) {
        return CallRecord.update("state = ?1, calleeConnectionId = ?2, answeredAt = ?3, negotiationDeadline = ?4, "
                + "version = version + 1 where id = ?5 and state = ?6", CallState.ANSWERED, connectionId, now,
                negotiationDeadline, id, CallState.RINGING).map(n -> n == 1);
    }

    /** ANSWERED to ESTABLISHED. */
    public Uni<Boolean> establish(UUID id, Instant now) {
        return CallRecord.update("state = ?1, establishedAt = ?2, version = version + 1 where id = ?3 and state = ?4",
                CallState.ESTABLISHED, now, id, CallState.ANSWERED).map(n -> n == 1);
    }

    /**
     * Any of {@code from} to ENDED with a reason. {@code durationMs} comes from the record the caller
     * loaded: its answer time cannot change without the state changing, which would make this update lose.
     */
    public Uni<Boolean> end(UUID id, Collection<CallState> from, EndReason reason, String endedBy, Instant now,
            long durationMs) {
        return CallRecord.update("state = ?1, endReason = ?2, endedBy = ?3, endedAt = ?4, durationMs = ?5, "
                + "version = version + 1 where id = ?6 and state in ?7", CallState.ENDED, reason, endedBy, now,
                durationMs, id, List.copyOf(from)).map(n -> n == 1);
    }
}
