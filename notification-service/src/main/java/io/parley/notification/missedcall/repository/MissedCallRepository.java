package io.parley.notification.missedcall.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Reads and writes missed calls; every query is scoped to one callee so no user sees another's. */
@ApplicationScoped
public class MissedCallRepository implements PanacheRepositoryBase<MissedCallEntity, UUID> {

    private static final Sort NEWEST_FIRST = Sort.descending("occurredAt", "id");

    /**
     * Inserts {@code call} unless a missed call for the same event is stored already; emits whether it was
     * inserted. One statement, so a redelivered event racing its first delivery cannot fail on the unique key.
     */
    public Uni<Boolean> insertIfNew(MissedCallEntity call) {
        return getSession().chain(session -> session.createMutationQuery("""
                insert into MissedCallEntity (id, eventId, callId, calleeId, callerId, callerName, callerAvatar,
                    audio, video, reason, occurredAt, read)
                values (:id, :eventId, :callId, :calleeId, :callerId, :callerName, :callerAvatar,
                    :audio, :video, :reason, :occurredAt, false)
                on conflict do nothing""")
                .setParameter("id", call.id)
                .setParameter("eventId", call.eventId)
                .setParameter("callId", call.callId)
                .setParameter("calleeId", call.calleeId)
                .setParameter("callerId", call.callerId)
                .setParameter("callerName", call.callerName)
                .setParameter("callerAvatar", call.callerAvatar)
                .setParameter("audio", call.audio)
                .setParameter("video", call.video)
                .setParameter("reason", call.reason)
                .setParameter("occurredAt", call.occurredAt)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    /** One page of the callee's missed calls, newest first. */
    public Uni<List<MissedCallEntity>> page(String calleeId, boolean unreadOnly, int page, int size) {
        return (unreadOnly
                ? find("calleeId = ?1 and read = false", NEWEST_FIRST, calleeId)
                : find("calleeId = ?1", NEWEST_FIRST, calleeId))
                .page(Page.of(page, size)).list();
    }

    public Uni<Long> count(String calleeId, boolean unreadOnly) {
        return unreadOnly ? count("calleeId = ?1 and read = false", calleeId) : count("calleeId = ?1", calleeId);
    }

    /** The missed call {@code id} if it is {@code calleeId}'s, else null. */
    public Uni<MissedCallEntity> findOwn(UUID id, String calleeId) {
        return find("id = ?1 and calleeId = ?2", id, calleeId).firstResult();
    }

    /** Marks every unread missed call of the callee read; emits how many changed. */
    public Uni<Integer> markAllRead(String calleeId) {
        return update("read = true where calleeId = ?1 and read = false", calleeId);
    }
}
