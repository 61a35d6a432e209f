package io.parley.signaling.call.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.signaling.SignalingRequests;
import io.parley.signaling.SignalingConfig;
import io.parley.signaling.call.machine.Command;
import io.parley.signaling.call.machine.HoldChange;
import io.parley.signaling.call.machine.Side;
import io.parley.signaling.call.repository.CallRecord;
import io.parley.signaling.call.repository.CallRepository;
import io.parley.signaling.call.service.CallTransitions.Applied;
import io.parley.signaling.call.session.SessionKey;
import io.parley.signaling.call.session.SessionRecord;
import io.parley.signaling.call.session.SessionRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Calls outlive their sockets (docs/protocol.md, "Sessions and resume"): a session whose socket closed, or whose
 * instance stopped sending heartbeats, is detached and its calls wait for the resume grace; {@link #resume} binds
 * it to a new socket on any instance; the sweeper ends the calls of sessions that did not come back, and those
 * whose ring, negotiation or media deadline passed, whichever instance set them.
 */
@ApplicationScoped
public class SessionService {

    private static final String SOCKET_CLOSED = "socket_closed";
    private static final String INSTANCE_SILENT = "instance_silent";
    private static final String INSTANCE_LEFT = "instance_left";

    /** Sessions and calls handled per sweep and transaction; the next sweep takes the rest. */
    private static final int SWEEP_BATCH = 100;
    /** Prune every this many sweeps. */
    private static final int PRUNE_EVERY = 30;

    /** A resumed session: the key the socket holds now, its open calls, and what to send after the ack. */
    public record Resumed(SessionKey session, List<CallView> calls, List<UUID> replayCalls, Map<UUID, Long> lastSeq,
            List<Applied> reconnected) {
    }

    private final SessionRepository sessions;
    private final CallRepository calls;
    private final CallTransitions transitions;
    private final CallLog log;
    private final SignalingConfig config;
    private final Map<String, Counter> detached = new java.util.HashMap<>();
    private final Counter resumed;
    private final Counter refusedResumes;
    private int sweeps;

    public SessionService(SessionRepository sessions, CallRepository calls, CallTransitions transitions, CallLog log,
            SignalingConfig config, MeterRegistry metrics) {
        this.sessions = sessions;
        this.calls = calls;
        this.transitions = transitions;
        this.log = log;
        this.config = config;
        for (String cause : List.of(SOCKET_CLOSED, INSTANCE_SILENT, INSTANCE_LEFT)) {
            detached.put(cause, Counter.builder("parley.signaling.sessions.detached").tag("cause", cause)
                    .description("sessions with calls that lost their socket and wait for a resume, by cause")
                    .register(metrics));
        }
        resumed = Counter.builder("parley.signaling.sessions.resumed")
                .description("resume requests that bound a socket to an earlier session").register(metrics);
        refusedResumes = Counter.builder("parley.signaling.resumes.refused")
                .description("resume requests refused (RESUME_REFUSED)").register(metrics);
    }

    /**
     * Binds the requester's socket to an earlier session of theirs; {@code RESUME_REFUSED} when it is unknown, not
     * theirs, the token is wrong, the grace passed, another socket won the race, or the requester's own session
     * has calls.
     */
    public Uni<Resumed> resume(Requester who, SignalingRequests.Resume request) {
        return attemptResume(who, request)
                .invoke(ok -> resumed.increment())
                .onFailure(ApiException.class).invoke(refused -> {
                    refusedResumes.increment();
                    Log.infof("resume of session %s by %s (connection %s) refused: %s", request.sessionId(), who.userId(),
                            who.connectionId(), refused.getMessage());
                });
    }

    private Uni<Resumed> attemptResume(Requester who, SignalingRequests.Resume request) {
        UUID id;
        try {
            id = UUID.fromString(request.sessionId());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(refused("unknown session or wrong resume token"));
        }
        if (id.equals(who.session().id())) {
            return Uni.createFrom().failure(refused("this connection holds that session already"));
        }
        Map<UUID, Long> lastSeq = new java.util.HashMap<>();
        for (Map.Entry<String, Long> seen : request.lastSeq().entrySet()) {
            try {
                lastSeq.put(UUID.fromString(seen.getKey()), seen.getValue());
            } catch (IllegalArgumentException notACall) {
                // A call id that is not one cannot be the session's: nothing to replay for it.
            }
        }
        return Panache.withTransaction(() -> calls.openCallsOfSession(who.session().id()).chain(own -> {
            if (!own.isEmpty()) {
                return Uni.createFrom().failure(refused("this connection's own session has calls; resume before "
                        + "placing or answering any"));
            }
            return sessions.find(id);
        }).chain(record -> {
            if (record == null || !record.userId.equals(who.userId())
                    || !SessionKey.matches(request.resumeToken(), record.tokenHash)) {
                return Uni.createFrom().failure(refused("unknown session or wrong resume token"));
            }
            Instant now = Instant.now();
            if (record.detachedAt != null && record.detachedAt.plus(config.resumeGrace()).isBefore(now)) {
                return Uni.createFrom().failure(refused("the session was not resumed within "
                        + config.resumeGrace().toSeconds() + " s; its calls have ended"));
            }
            return sessions.take(id, record.epoch, config.instanceId(), who.connectionId()).chain(won -> {
                if (!won) {
                    return Uni.createFrom().failure(refused("another connection resumed this session first"));
                }
                sessions.recorded(id);
                // The other party hears it is back whether or not it heard it left: a sweeper may have detached the
                // session (and told it) while this resume read it.
                return calls.openCallsOfSession(id).chain(open -> transitions.applyEach(open, call -> transitions.apply(
                                call, Command.PARTY_RESUMED, call.sideOf(who.userId()), null))
                        .chain(reconnected -> calls.callsOfSession(id, lastSeq.keySet()).map(seen -> {
                            Set<UUID> replay = new LinkedHashSet<>();
                            open.forEach(call -> replay.add(call.id));
                            seen.forEach(call -> replay.add(call.id));
                            Log.infof("session %s of %s resumed on connection %s (%d open calls)", id, who.userId(),
                                    who.connectionId(), open.size());
                            return new Resumed(new SessionKey(id, request.resumeToken()),
                                    open.stream().map(CallView::of).toList(), List.copyOf(replay), lastSeq, reconnected);
                        })));
            });
        }));
    }

    /** After the replay: the other parties hear that the session is back. */
    public void announce(Resumed resumed) {
        transitions.announce(resumed.reconnected());
    }

    /** The events of the resumed session's calls that the client missed, in order. */
    public Uni<List<String>> missed(String userId, Resumed resumed) {
        return Panache.withSession(() -> log.missed(userId, resumed.replayCalls(), resumed.lastSeq()));
    }

    /** A socket closed without hanging up: its session is detached and its calls wait for the resume grace. */
    public Uni<Void> socketClosed(String userId, UUID sessionId, String connectionId) {
        sessions.closedHere(sessionId);
        return Panache.withTransaction(() -> sessions.detach(sessionId, connectionId, Instant.now()).chain(detached -> {
            if (!detached) {
                // No call ever bound the session, or another socket took it.
                return Uni.createFrom().item(List.<Applied>of());
            }
            return detachedCalls(List.of(sessionId), SOCKET_CLOSED).invoke(applied -> {
                if (!applied.isEmpty()) {
                    Log.infof("session %s of %s detached (connection %s closed); its %d calls wait %d s for a resume",
                            sessionId, userId, connectionId, applied.size(), config.resumeGrace().toSeconds());
                }
            });
        })).invoke(transitions::announce).replaceWithVoid();
    }

    /** This instance stops: its sessions are detached now rather than when its heartbeats are missed. */
    public Uni<Void> leave() {
        return Panache.withTransaction(() -> sessions.boundTo(config.instanceId()).chain(bound -> {
            List<UUID> ids = bound.stream().map(s -> s.id).toList();
            return sessions.detachAll(ids, Instant.now()).chain(() -> detachedCalls(ids, INSTANCE_LEFT))
                    .chain(applied -> sessions.forget(config.instanceId()).replaceWith(applied));
        })).invoke(transitions::announce).replaceWithVoid();
    }

    @Scheduled(every = "${parley.signaling.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "1s")
    Uni<Void> sweep() {
        // Deferred: at shutdown the pool is closed and building the transaction throws; that is no error.
        return Uni.createFrom().deferred(() -> Panache.withTransaction(() -> sessions.heartbeat(config.instanceId(),
                        Instant.now()))
                .chain(() -> Panache.withTransaction(this::detachOrphans)).invoke(transitions::announce)
                .chain(() -> Panache.withTransaction(this::endVanished)).invoke(transitions::announce)
                .chain(() -> Panache.withTransaction(this::endOverdue)).invoke(transitions::announce)
                .chain(() -> ++sweeps % PRUNE_EVERY != 0 ? Uni.createFrom().voidItem()
                        : Panache.withTransaction(() -> sessions.prune(Instant.now()
                                .minus(config.resumeGrace()).minus(config.instanceTimeout()).minusSeconds(60)))))
                .onFailure().invoke(e -> Log.warnf("signaling sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Sessions of instances that stopped sending heartbeats are detached; the other parties are told. */
    private Uni<List<Applied>> detachOrphans() {
        return sessions.orphaned(Instant.now().minus(config.instanceTimeout()), SWEEP_BATCH).chain(orphans -> {
            if (orphans.isEmpty()) {
                return Uni.createFrom().item(List.<Applied>of());
            }
            Log.infof("detaching %d sessions of silent instances %s", orphans.size(),
                    orphans.stream().map(s -> s.instanceId).collect(Collectors.toCollection(java.util.TreeSet::new)));
            List<UUID> ids = orphans.stream().map(s -> s.id).toList();
            return sessions.detachAll(ids, Instant.now()).chain(() -> detachedCalls(ids, INSTANCE_SILENT));
        });
    }

    /** The open calls of detached sessions: the other parties hear of it. Counts the sessions that had calls. */
    private Uni<List<Applied>> detachedCalls(List<UUID> sessionIds, String cause) {
        List<Applied> all = new ArrayList<>();
        return io.smallrye.mutiny.Multi.createFrom().iterable(sessionIds)
                .onItem().transformToUniAndConcatenate(sessionId -> calls.openCallsOfSession(sessionId).chain(open -> {
                    if (!open.isEmpty()) {
                        detached.get(cause).increment();
                    }
                    return transitions.applyEach(open, call -> transitions.apply(call, Command.PARTY_DETACHED,
                            sideHolding(call, sessionId), null));
                }))
                .collect().in(() -> all, List::addAll);
    }

    /** Calls with a party that did not resume within the grace end (FAILED, or CANCELLED while ringing). */
    private Uni<List<Applied>> endVanished() {
        Instant cutoff = Instant.now().minus(config.resumeGrace());
        return calls.withVanishedParty(cutoff, SWEEP_BATCH).chain(vanished -> transitions.applyEach(vanished,
                call -> vanishedSide(call, cutoff).chain(side -> {
                    Log.infof("call %s: the %s did not resume within %d s", call.id, side.name().toLowerCase(),
                            config.resumeGrace().toSeconds());
                    return transitions.apply(call, Command.PARTY_VANISHED, side, null);
                })));
    }

    private Uni<Side> vanishedSide(CallRecord call, Instant cutoff) {
        return gone(call.callerSessionId, cutoff).map(callerGone -> callerGone ? Side.CALLER : Side.CALLEE);
    }

    private Uni<Boolean> gone(UUID sessionId, Instant cutoff) {
        return sessionId == null ? Uni.createFrom().item(true) : sessions.find(sessionId)
                .map((SessionRecord s) -> s == null || (s.detachedAt != null && s.detachedAt.isBefore(cutoff)));
    }

    /** Calls whose ring, negotiation or media recovery deadline passed end; holds and resumes not confirmed fail. */
    private Uni<List<Applied>> endOverdue() {
        Instant now = Instant.now();
        return calls.overdue(now, SWEEP_BATCH).chain(overdue -> transitions.applyEach(overdue,
                call -> transitions.apply(call, overdueCommand(call, now), null, null)));
    }

    private static Command overdueCommand(CallRecord call, Instant now) {
        return switch (call.state) {
            case RINGING -> Command.RING_TIMEOUT;
            case ANSWERED -> Command.NEGOTIATION_TIMEOUT;
            default -> call.mediaDeadline != null && call.mediaDeadline.isBefore(now) ? Command.MEDIA_TIMEOUT
                    : call.holdPending == HoldChange.HOLD ? Command.HOLD_TIMEOUT : Command.RESUME_TIMEOUT;
        };
    }

    private static Side sideHolding(CallRecord call, UUID sessionId) {
        return sessionId.equals(call.callerSessionId) ? Side.CALLER : Side.CALLEE;
    }

    private static ApiException refused(String message) {
        return new ApiException(ErrorCode.RESUME_REFUSED, message);
    }
}
