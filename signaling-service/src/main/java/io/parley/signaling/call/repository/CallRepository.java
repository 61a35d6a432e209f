package io.parley.signaling.call.repository;

import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.signaling.call.machine.HoldChange;
import io.quarkus.hibernate.reactive.panache.Panache;
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
 * (expected)}) that reports whether it won, so two racing requests (answer and cancel) have one winner; it
 * also reserves the seqs of the events the transition sends ({@code seqs}: {@code last_seq} goes up by that
 * many, under the row lock the update takes). Callers run these inside a transaction.
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

    /** Calls not ended that are bound to the session, oldest first. */
    public Uni<List<CallRecord>> openCallsOfSession(UUID sessionId) {
        return CallRecord.list("(callerSessionId = ?1 or calleeSessionId = ?1) and state <> ?2", Sort.by("createdAt"),
                sessionId, CallState.ENDED);
    }

    /** The calls with these ids that are bound to the session, ended or not. */
    public Uni<List<CallRecord>> callsOfSession(UUID sessionId, Collection<UUID> ids) {
        return ids.isEmpty() ? Uni.createFrom().item(List.of())
                : CallRecord.list("(callerSessionId = ?1 or calleeSessionId = ?1) and id in ?2", sessionId, List.copyOf(ids));
    }

    /** One page of the user's history, newest first. */
    public Uni<List<CallRecord>> historyOf(String userId, int page, int size) {
        return CallRecord.<CallRecord>find("callerId = ?1 or calleeId = ?1", Sort.descending("createdAt").and("id"), userId)
                .page(Page.of(page, size)).list();
    }

    public Uni<Long> countHistoryOf(String userId) {
        return CallRecord.count("callerId = ?1 or calleeId = ?1", userId);
    }

    /** Calls whose ring, negotiation, media recovery or hold deadline has passed, locked; others' locks are skipped. */
    public Uni<List<CallRecord>> overdue(Instant now, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                select c.* from calls c where (c.state = 'RINGING' and c.ring_deadline < ?1)
                or (c.state = 'ANSWERED' and c.negotiation_deadline < ?1)
                or (c.state in ('ESTABLISHED', 'HELD') and c.media_deadline < ?1)
                or (c.state in ('ESTABLISHED', 'HELD') and c.hold_pending is not null and c.hold_deadline < ?1)
                limit ?2 for update of c skip locked""", CallRecord.class)
                .setParameter(1, now).setParameter(2, limit).getResultList());
    }

    /**
     * Open calls with a party that vanished, locked (others' locks skipped): its session is missing (a call of
     * protocol version 1) or was detached before {@code detachedBefore}. The callee counts once it answered.
     */
    public Uni<List<CallRecord>> withVanishedParty(Instant detachedBefore, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                select c.* from calls c
                left join signaling_sessions caller on caller.id = c.caller_session_id
                left join signaling_sessions callee on callee.id = c.callee_session_id
                where c.state <> 'ENDED' and (caller.id is null or caller.detached_at < ?1
                    or (c.state not in ('NEW', 'RINGING') and (callee.id is null or callee.detached_at < ?1)))
                limit ?2 for update of c skip locked""", CallRecord.class)
                .setParameter(1, detachedBefore).setParameter(2, limit).getResultList());
    }

    /** A relayed event as written: the call's parties and sessions, and the seq the event got. */
    public record Relayed(String callerId, String calleeId, UUID callerSessionId, UUID calleeSessionId, long seq) {
    }

    /**
     * Relays one event of a connected call from {@code userId}'s bound session {@code sessionId} to the other party in
     * one statement, atomic without a transaction around it: the call's next seq (under the row lock), and the event
     * in its log with that seq set in its payload ({@code body} is the envelope with any seq). Null when the call is
     * not a connected call bound to that session of that user: nothing was written.
     */
    public Uni<Relayed> relay(UUID id, String userId, UUID sessionId, String body) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                with c as (
                    update calls set last_seq = last_seq + 1
                    where id = ?1 and state in (?5)
                    and ((caller_id = ?2 and caller_session_id = ?3) or (callee_id = ?2 and callee_session_id = ?3))
                    returning caller_id, callee_id, caller_session_id, callee_session_id, last_seq),
                m as (
                    insert into call_messages (call_id, seq, recipient_id, body)
                    select ?1, last_seq, case when caller_id = ?2 then callee_id else caller_id end,
                        cast(jsonb_set(cast(cast(?4 as text) as jsonb), array['payload', 'seq'], to_jsonb(last_seq)) as text) from c)
                select caller_id, callee_id, caller_session_id, callee_session_id, last_seq from c""", Object[].class)
                .setParameter(1, id).setParameter(2, userId).setParameter(3, sessionId).setParameter(4, body)
                .setParameter(5, CONNECTED.stream().map(Enum::name).toList())
                .getResultList())
                .map(rows -> rows.isEmpty() ? null : new Relayed((String) rows.get(0)[0], (String) rows.get(0)[1],
                        (UUID) rows.get(0)[2], (UUID) rows.get(0)[3], ((Number) rows.get(0)[4]).longValue()));
    }

    /** Runs a guarded update that only checks the state ({@code from}); true when the call was in one of them. */
    public Uni<Boolean> guard(UUID id, Collection<CallState> from, int seqs) {
        return CallRecord.update("version = version + 1, lastSeq = lastSeq + ?3 where id = ?1 and state in ?2", id,
                List.copyOf(from), (long) seqs).map(n -> n == 1);
    }

    /** Starts the media recovery deadline unless one runs. */
    public Uni<Boolean> startMediaRecovery(UUID id, Collection<CallState> from, Instant deadline, int seqs) {
        return CallRecord.update("mediaDeadline = coalesce(mediaDeadline, ?1), version = version + 1, "
                + "lastSeq = lastSeq + ?4 where id = ?2 and state in ?3", deadline, id, List.copyOf(from), (long) seqs)
                .map(n -> n == 1);
    }

    public Uni<Boolean> clearMediaRecovery(UUID id, Collection<CallState> from, int seqs) {
        return CallRecord.update("mediaDeadline = null, version = version + 1, lastSeq = lastSeq + ?3 "
                + "where id = ?1 and state in ?2", id, List.copyOf(from), (long) seqs).map(n -> n == 1);
    }

    /** Records a hold or resume asked for by {@code userId}, unless one is pending already. */
    public Uni<Boolean> requestHold(UUID id, Collection<CallState> from, HoldChange change, String userId,
            Instant deadline, int seqs) {
        return CallRecord.update("holdPending = ?1, holdRequestedBy = ?2, holdDeadline = ?3, version = version + 1, "
                + "lastSeq = lastSeq + ?6 where id = ?4 and state in ?5 and holdPending is null", change, userId,
                deadline, id, List.copyOf(from), (long) seqs).map(n -> n == 1);
    }

    /** The pending {@code change} happened: the call goes to {@code to}, held by {@code heldBy} (null: not held). */
    public Uni<Boolean> confirmHold(UUID id, Collection<CallState> from, HoldChange change, CallState to, String heldBy,
            int seqs) {
        return CallRecord.update("state = ?1, heldBy = ?2, holdPending = null, holdRequestedBy = null, "
                + "holdDeadline = null, version = version + 1, lastSeq = lastSeq + ?6 "
                + "where id = ?3 and state in ?4 and holdPending = ?5", to, heldBy, id, List.copyOf(from), change,
                (long) seqs).map(n -> n == 1);
    }

    /** Forgets the pending {@code change}. */
    public Uni<Boolean> clearHoldRequest(UUID id, Collection<CallState> from, HoldChange change, int seqs) {
        return CallRecord.update("holdPending = null, holdRequestedBy = null, holdDeadline = null, "
                + "version = version + 1, lastSeq = lastSeq + ?4 where id = ?1 and state in ?2 and holdPending = ?3",
                id, List.copyOf(from), change, (long) seqs).map(n -> n == 1);
    }

    /** Every open call, or those of a user and/or in a state, oldest first, at most {@code limit}. */
    public Uni<List<CallRecord>> live(String userId, CallState state, int limit) {
        StringBuilder query = new StringBuilder("state <> :ended");
        io.quarkus.panache.common.Parameters params = io.quarkus.panache.common.Parameters.with("ended", CallState.ENDED);
        if (userId != null) {
            query.append(" and (callerId = :user or calleeId = :user)");
            params.and("user", userId);
        }
        if (state != null) {
            query.append(" and state = :state");
            params.and("state", state);
        }
        return CallRecord.<CallRecord>find(query.toString(), Sort.by("createdAt").and("id"), params)
                .page(Page.ofSize(limit)).list();
    }

    /** RINGING to ANSWERED, bound to the answering session. */
    public Uni<Boolean> answer(UUID id, UUID sessionId, Instant now, Instant negotiationDeadline, int seqs) {
        return CallRecord.update("state = ?1, calleeSessionId = ?2, answeredAt = ?3, negotiationDeadline = ?4, "
                + "version = version + 1, lastSeq = lastSeq + ?7 where id = ?5 and state = ?6", CallState.ANSWERED,
                sessionId, now, negotiationDeadline, id, CallState.RINGING, (long) seqs).map(n -> n == 1);
    }

    /** ANSWERED to ESTABLISHED. */
    public Uni<Boolean> establish(UUID id, Instant now, int seqs) {
        return CallRecord.update("state = ?1, establishedAt = ?2, negotiationDeadline = null, version = version + 1, "
                + "lastSeq = lastSeq + ?5 where id = ?3 and state = ?4",
                CallState.ESTABLISHED, now, id, CallState.ANSWERED, (long) seqs).map(n -> n == 1);
    }

    /**
     * Any of {@code from} to ENDED with a reason. {@code durationMs} comes from the record the caller
     * loaded: its answer time cannot change without the state changing, which would make this update lose.
     */
    public Uni<Boolean> end(UUID id, Collection<CallState> from, EndReason reason, String endedBy, Instant now,
            long durationMs, int seqs) {
        return CallRecord.update("state = ?1, endReason = ?2, endedBy = ?3, endedAt = ?4, durationMs = ?5, "
                + "version = version + 1, lastSeq = lastSeq + ?8 where id = ?6 and state in ?7", CallState.ENDED, reason,
                endedBy, now, durationMs, id, List.copyOf(from), (long) seqs).map(n -> n == 1);
    }
}
