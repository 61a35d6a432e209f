package io.parley.signaling.call.session;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Sessions and instance heartbeats in the database; callers run these inside a transaction. */
@ApplicationScoped
public class SessionRepository {

    /**
     * Sessions recorded (or taken) by a socket that is still open here: recording them again would change nothing,
     * so {@link #bind} skips the statement (one per socket instead of one per call).
     */
    private final Set<UUID> recordedHere = ConcurrentHashMap.newKeySet();

    public Uni<SessionRecord> find(UUID id) {
        return SessionRecord.findById(id);
    }

    /**
     * Records the session held by {@code connectionId} on {@code instanceId}, unless it is recorded already; once the
     * transaction committed, {@link #recorded} says so.
     */
    public Uni<Void> bind(SessionKey key, String userId, String instanceId, String connectionId, Instant now) {
        if (recordedHere.contains(key.id())) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                insert into signaling_sessions (id, user_id, token_hash, instance_id, connection_id, created_at)
                values (?1, ?2, ?3, ?4, ?5, ?6) on conflict (id) do nothing""")
                .setParameter(1, key.id()).setParameter(2, userId).setParameter(3, key.tokenHash())
                .setParameter(4, instanceId).setParameter(5, connectionId).setParameter(6, now)
                .executeUpdate()).replaceWithVoid();
    }

    /** The session is in the database (its recording committed, or a resume took it) and its socket is open here. */
    public void recorded(UUID id) {
        recordedHere.add(id);
    }

    /** The socket holding the session here closed. */
    public void closedHere(UUID id) {
        recordedHere.remove(id);
    }

    /** Detaches the session if {@code connectionId} still holds it; true when it did. */
    public Uni<Boolean> detach(UUID id, String connectionId, Instant now) {
        return SessionRecord.update("detachedAt = ?1, connectionId = null where id = ?2 and connectionId = ?3 "
                + "and detachedAt is null", now, id, connectionId).map(n -> n == 1);
    }

    /** Gives the session to another socket, if nobody took it since {@code epoch} was read; true when it did. */
    public Uni<Boolean> take(UUID id, long epoch, String instanceId, String connectionId) {
        return SessionRecord.update("instanceId = ?1, connectionId = ?2, detachedAt = null, epoch = epoch + 1 "
                + "where id = ?3 and epoch = ?4", instanceId, connectionId, id, epoch).map(n -> n == 1);
    }

    /** This instance is alive at {@code now}. */
    public Uni<Void> heartbeat(String instanceId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                insert into signaling_instances (instance_id, heartbeat_at) values (?1, ?2)
                on conflict (instance_id) do update set heartbeat_at = excluded.heartbeat_at""")
                .setParameter(1, instanceId).setParameter(2, now).executeUpdate()).replaceWithVoid();
    }

    /** This instance is leaving: the others need not wait for its heartbeats to stop. */
    public Uni<Void> forget(String instanceId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "delete from signaling_instances where instance_id = ?1").setParameter(1, instanceId).executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Bound sessions whose instance sent no heartbeat since {@code silentSince} (or never did), locked for this
     * transaction; sessions another instance is handling are skipped.
     */
    public Uni<List<SessionRecord>> orphaned(Instant silentSince, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                select s.* from signaling_sessions s
                where s.detached_at is null and not exists (
                    select 1 from signaling_instances i where i.instance_id = s.instance_id and i.heartbeat_at >= ?1)
                limit ?2
                for update of s skip locked""", SessionRecord.class)
                .setParameter(1, silentSince).setParameter(2, limit).getResultList());
    }

    /** The bound sessions of {@code instanceId}, locked. */
    public Uni<List<SessionRecord>> boundTo(String instanceId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                select s.* from signaling_sessions s where s.detached_at is null and s.instance_id = ?1
                for update of s skip locked""", SessionRecord.class)
                .setParameter(1, instanceId).getResultList());
    }

    /** Detaches sessions (already locked by this transaction). */
    public Uni<Integer> detachAll(List<UUID> ids, Instant now) {
        return ids.isEmpty() ? Uni.createFrom().item(0)
                : SessionRecord.update("detachedAt = ?1, connectionId = null where id in ?2 and detachedAt is null",
                        now, ids);
    }

    /**
     * Deletes sessions detached before {@code before} that no open call is bound to, instances silent since
     * {@code before}, and the replay log of calls that ended before {@code before}.
     */
    public Uni<Void> prune(Instant before) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                delete from signaling_sessions s where s.detached_at < ?1 and not exists (
                    select 1 from calls c where c.state <> 'ENDED'
                    and (c.caller_session_id = s.id or c.callee_session_id = s.id))""")
                .setParameter(1, before).executeUpdate()
                .chain(() -> session.createNativeQuery("delete from signaling_instances where heartbeat_at < ?1")
                        .setParameter(1, before).executeUpdate())
                .chain(() -> session.createNativeQuery("""
                        delete from call_messages m using calls c
                        where c.id = m.call_id and c.state = 'ENDED' and c.ended_at < ?1""")
                        .setParameter(1, before).executeUpdate()))
                .replaceWithVoid();
    }
}
