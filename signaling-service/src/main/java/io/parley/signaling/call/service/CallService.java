package io.parley.signaling.call.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.common.error.ApiException;
import io.parley.event.call.CallEvent;
import io.parley.event.call.CallEventType;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.event.presence.PresenceStatus;
import io.parley.event.presence.UserProfile;
import io.parley.signaling.SignalingConfig;
import io.parley.signaling.call.relay.Delivery;
import io.parley.signaling.call.repository.CallRecord;
import io.parley.signaling.call.repository.CallRepository;
import io.parley.signaling.call.service.SignalingEvents.CallError;
import io.parley.signaling.call.service.SignalingEvents.CallOnly;
import io.parley.signaling.call.service.SignalingEvents.Disconnect;
import io.parley.signaling.call.service.SignalingEvents.Ice;
import io.parley.signaling.call.service.SignalingEvents.IncomingCall;
import io.parley.signaling.call.service.SignalingEvents.Sdp;
import io.parley.signaling.call.service.SignalingEvents.StateChange;
import io.parley.signaling.call.ws.ServerMessages;
import io.parley.signaling.directory.DirectoryView;
import io.parley.signaling.outbox.Outbox;
import io.parley.signaling.outbox.OutboxRecord;
import io.parley.signaling.provider.ProviderSettings;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The call state machine (docs/protocol.md, "Call states"). Each operation checks who may do it, makes
 * one guarded transition in a transaction together with its outbox event, and returns what to tell the
 * parties once the requester has had its reply.
 */
@ApplicationScoped
public class CallService {

    private static final Set<CallState> CONNECTED = EnumSet.of(CallState.ANSWERED, CallState.ESTABLISHED, CallState.HELD);
    private static final Set<CallState> UNANSWERED = EnumSet.of(CallState.NEW, CallState.RINGING);

    /** The call after an operation, and the messages to send after the requester's reply. */
    public record Outcome(CallView call, Runnable afterReply) {

        static Outcome of(CallRecord call) {
            return new Outcome(CallView.of(call), () -> {
            });
        }
    }

    private final CallRepository calls;
    private final Outbox outbox;
    private final Delivery delivery;
    private final ServerMessages messages;
    private final DirectoryView directory;
    private final ProviderSettings providers;
    private final SignalingConfig config;
    private final MeterRegistry metrics;
    private final Counter placed;

    public CallService(CallRepository calls, Outbox outbox, Delivery delivery, ServerMessages messages,
            DirectoryView directory, ProviderSettings providers, SignalingConfig config, MeterRegistry metrics) {
        this.calls = calls;
        this.outbox = outbox;
        this.delivery = delivery;
        this.messages = messages;
        this.directory = directory;
        this.providers = providers;
        this.config = config;
        this.metrics = metrics;
        this.placed = Counter.builder("parley_calls_placed").description("calls placed").register(metrics);
    }

    /** Places a call: it rings, or ends at once as BUSY or UNAVAILABLE. */
    public Uni<Outcome> call(Requester who, String calleeId, boolean audio, boolean video, String provider) {
        if (!providers.enabled(provider)) {
            return Uni.createFrom().failure(CallErrors.providerDisabled(provider));
        }
        if (calleeId.equals(who.userId())) {
            return Uni.createFrom().failure(CallErrors.selfCall());
        }
        UserProfile callee = directory.user(calleeId).orElse(null);
        if (callee == null) {
            return Uni.createFrom().failure(CallErrors.unknownCallee());
        }
        PresenceStatus status = directory.status(calleeId);
        return Panache.withTransaction(() -> calls.isBusy(calleeId).chain(busy -> {
            Instant now = Instant.now();
            CallRecord call = new CallRecord();
            call.id = UUID.randomUUID();
            call.callerId = who.userId();
            call.callerName = who.name();
            call.callerAvatar = who.avatar();
            call.calleeId = callee.userId();
            call.calleeName = callee.displayName();
            call.calleeAvatar = callee.avatar();
            call.audio = audio;
            call.video = video;
            call.provider = provider;
            call.callerConnectionId = who.connectionId();
            call.createdAt = now;
            if (busy || !status.rings()) {
                call.state = CallState.ENDED;
                call.endReason = busy ? EndReason.BUSY : EndReason.UNAVAILABLE;
                call.endedAt = now;
                call.durationMs = 0L;
            } else {
                call.state = CallState.RINGING;
                call.ringDeadline = now.plus(config.ringTimeout());
            }
            CallEventType type = call.state == CallState.RINGING ? CallEventType.INVITED : CallEventType.ENDED;
            return call.persist().chain(() -> outbox.add(event(type, call))).map(event -> new Pending(call, event));
        })).map(pending -> {
            CallRecord call = pending.call();
            placed.increment();
            if (call.state == CallState.ENDED) {
                countEnd(call.endReason);
            }
            return new Outcome(CallView.of(call), () -> {
                outbox.publish(List.of(pending.event()));
                if (call.state == CallState.RINGING) {
                    delivery.toConnection(call.callerId, call.callerConnectionId,
                            messages.event("progress", new StateChange(call.id.toString(), CallState.RINGING)));
                    delivery.toUser(call.calleeId, messages.event("incoming_call", new IncomingCall(call.id.toString(),
                            call.caller(), call.audio, call.video, call.provider)), null);
                } else {
                    announceEnd(call);
                }
            });
        });
    }

    /** The callee takes the call on the requesting socket. */
    public Uni<Outcome> answer(Requester who, String callId) {
        UUID id = parse(callId);
        if (who.connectionId() == null) {
            return Uni.createFrom().failure(CallErrors.invalidState("answer from a signaling connection"));
        }
        return Panache.withTransaction(() -> partyCall(id, who).chain(call -> {
            if (!call.calleeId.equals(who.userId())) {
                return Uni.createFrom().failure(CallErrors.invalidState("only the callee can answer"));
            }
            Instant now = Instant.now();
            return transition(call, calls.answer(id, who.connectionId(), now, now.plus(config.negotiationTimeout())),
                    CallEventType.ANSWERED);
        })).map(pending -> {
            CallRecord call = pending.call();
            return new Outcome(CallView.of(call), () -> {
                outbox.publish(List.of(pending.event()));
                String connect = messages.event("connect", new StateChange(call.id.toString(), CallState.ANSWERED));
                delivery.toConnection(call.callerId, call.callerConnectionId, connect);
                delivery.toConnection(call.calleeId, call.calleeConnectionId, connect);
                delivery.toUser(call.calleeId, messages.event("answered_elsewhere", new CallOnly(call.id.toString())),
                        call.calleeConnectionId);
            });
        });
    }

    /** The callee refuses a ringing call. */
    public Uni<Outcome> decline(Requester who, String callId) {
        return end(who, callId, (call, userId) -> {
            if (!call.calleeId.equals(userId)) {
                throw CallErrors.invalidState("only the callee can decline");
            }
            return new EndRequest(UNANSWERED, EndReason.DECLINED);
        });
    }

    /** The caller gives up before an answer. */
    public Uni<Outcome> cancel(Requester who, String callId) {
        return end(who, callId, (call, userId) -> {
            if (!call.callerId.equals(userId)) {
                throw CallErrors.invalidState("only the caller can cancel");
            }
            return new EndRequest(UNANSWERED, EndReason.CANCELLED);
        });
    }

    /** Either party ends an answered call. */
    public Uni<Outcome> hangup(Requester who, String callId) {
        return end(who, callId, (call, userId) -> new EndRequest(CONNECTED, EndReason.HANGUP));
    }

    /** "End this call" from a page: cancel, decline or hang up, whichever applies to the requester now. */
    public Uni<Outcome> endAnyway(Requester who, String callId) {
        return end(who, callId, (call, userId) -> {
            if (UNANSWERED.contains(call.state)) {
                return call.callerId.equals(userId) ? new EndRequest(UNANSWERED, EndReason.CANCELLED)
                        : new EndRequest(UNANSWERED, EndReason.DECLINED);
            }
            return new EndRequest(CONNECTED, EndReason.HANGUP);
        });
    }

    /** Relays a session description to the other party; the callee's answer establishes the call. */
    public Uni<Outcome> sdp(Requester who, String callId, String sdpType, String sdp) {
        UUID id = parse(callId);
        return Panache.withSession(() -> boundCall(id, who)).chain(call -> {
            delivery.toConnection(call.peerOf(who.userId()), call.peerConnectionOf(who.userId()),
                    messages.event("sdp", new Sdp(callId, sdpType, sdp)));
            if (!"answer".equals(sdpType) || !call.calleeId.equals(who.userId()) || call.state != CallState.ANSWERED) {
                return Uni.createFrom().item(Outcome.of(call));
            }
            return Panache.withTransaction(() -> calls.find(id).chain(fresh ->
                    transition(fresh, calls.establish(id, Instant.now()), CallEventType.ESTABLISHED)))
                    .map(pending -> new Outcome(CallView.of(pending.call()), () -> {
                        outbox.publish(List.of(pending.event()));
                        String established = messages.event("established",
                                new StateChange(callId, CallState.ESTABLISHED));
                        delivery.toConnection(call.callerId, call.callerConnectionId, established);
                        delivery.toConnection(call.calleeId, call.calleeConnectionId, established);
                    }));
        });
    }

    /** Relays an ICE candidate to the other party. */
    public Uni<Outcome> ice(Requester who, String callId, String candidate, String sdpMid, Integer sdpMLineIndex) {
        UUID id = parse(callId);
        return Panache.withSession(() -> boundCall(id, who)).map(call -> {
            delivery.toConnection(call.peerOf(who.userId()), call.peerConnectionOf(who.userId()),
                    messages.event("ice", new Ice(callId, candidate, sdpMid, sdpMLineIndex)));
            return Outcome.of(call);
        });
    }

    /** Tells the other party that no more candidates will come. */
    public Uni<Outcome> endOfCandidates(Requester who, String callId) {
        UUID id = parse(callId);
        return Panache.withSession(() -> boundCall(id, who)).map(call -> {
            delivery.toConnection(call.peerOf(who.userId()), call.peerConnectionOf(who.userId()),
                    messages.event("end_of_candidates", new CallOnly(callId)));
            return Outcome.of(call);
        });
    }

    /** The user's calls that have not ended. */
    public Uni<List<CallView>> openCalls(String userId) {
        return Panache.withSession(() -> calls.openCallsOf(userId)).map(list -> list.stream().map(CallView::of).toList());
    }

    /** One of the user's calls; CALL_NOT_FOUND for other people's calls. */
    public Uni<CallView> one(String userId, String callId) {
        UUID id = parse(callId);
        return Panache.withSession(() -> calls.find(id)).map(call -> {
            if (call == null || !call.hasParty(userId)) {
                throw CallErrors.callNotFound();
            }
            return CallView.of(call);
        });
    }

    /** A page of the user's history, newest first, and the total count. */
    public Uni<HistoryPage> history(String userId, int page, int size) {
        return Panache.withSession(() -> calls.historyOf(userId, page, size).chain(list -> calls.countHistoryOf(userId)
                .map(total -> new HistoryPage(page, size, total, list.stream().map(CallView::of).toList()))));
    }

    /** One page of call history. */
    public record HistoryPage(int page, int size, long total, List<CallView> calls) {
    }

    /**
     * A signaling socket closed: its ringing calls are cancelled (caller) and its other calls fail, so the
     * other party is never left waiting.
     */
    public Uni<Void> connectionClosed(String userId, String connectionId) {
        return Panache.withTransaction(() -> calls.openCallsBoundTo(connectionId).chain(open -> oneByOne(open, call -> {
            boolean callerGaveUp = UNANSWERED.contains(call.state) && call.callerId.equals(userId);
            return endNow(call, callerGaveUp ? UNANSWERED : EnumSet.complementOf(EnumSet.of(CallState.ENDED)),
                    callerGaveUp ? EndReason.CANCELLED : EndReason.FAILED, callerGaveUp ? userId : null)
                    .map(ended -> callerGaveUp ? ended : ended.failedWith(new CallError(call.id.toString(), "call_control",
                            "PARTY_VANISHED", "the other party's connection closed")));
        }))).invoke(this::announceEnds).replaceWithVoid();
    }

    @Scheduled(every = "${parley.signaling.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "2s")
    Uni<Void> endOverdueCalls() {
        // Deferred: at shutdown the pool is closed and building the transaction throws; that is no error.
        return Uni.createFrom().deferred(() -> Panache.withTransaction(() -> calls.overdue(Instant.now()).chain(overdue -> oneByOne(overdue, call ->
                call.state == CallState.RINGING ? endNow(call, EnumSet.of(call.state), EndReason.NO_ANSWER, null)
                        : endNow(call, EnumSet.of(call.state), EndReason.FAILED, null).map(ended -> ended.failedWith(
                                new CallError(call.id.toString(), "media", "NEGOTIATION_TIMEOUT",
                                        "media was not negotiated within " + config.negotiationTimeout().toSeconds() + " s"))))))
                .invoke(this::announceEnds))
                .onFailure().invoke(e -> Log.warnf("ending overdue calls failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    // ---- internals

    private record Pending(CallRecord call, OutboxRecord event, CallError failure) {

        Pending(CallRecord call, OutboxRecord event) {
            this(call, event, null);
        }

        Pending failedWith(CallError cause) {
            return new Pending(call, event, cause);
        }
    }

    private record EndRequest(Set<CallState> from, EndReason reason) {
    }

    private interface EndRule {
        EndRequest decide(CallRecord call, String userId);
    }

    /**
     * Ends calls one after another (a reactive session runs one operation at a time); a call another
     * request or instance ended first is skipped.
     */
    private Uni<List<Pending>> oneByOne(List<CallRecord> open, java.util.function.Function<CallRecord, Uni<Pending>> end) {
        return io.smallrye.mutiny.Multi.createFrom().iterable(open)
                .onItem().transformToUniAndConcatenate(call -> end.apply(call).onFailure(ApiException.class).recoverWithNull())
                .collect().asList();
    }

    private Uni<Outcome> end(Requester who, String callId, EndRule rule) {
        UUID id = parse(callId);
        return Panache.withTransaction(() -> partyCall(id, who).chain(call -> {
            EndRequest request = rule.decide(call, who.userId());
            return endNow(call, request.from(), request.reason(), who.userId());
        })).map(pending -> new Outcome(CallView.of(pending.call()), () -> announceEnds(List.of(pending))));
    }

    private Uni<Pending> endNow(CallRecord call, Set<CallState> from, EndReason reason, String endedBy) {
        Instant now = Instant.now();
        long durationMs = call.answeredAt == null ? 0 : Duration.between(call.answeredAt, now).toMillis();
        return transition(call, calls.end(call.id, from, reason, endedBy, now, durationMs), CallEventType.ENDED);
    }

    private Uni<Pending> transition(CallRecord call, Uni<Boolean> guardedUpdate, CallEventType type) {
        return guardedUpdate.chain(won -> Panache.getSession().chain(session -> session.refresh(call)).chain(() -> {
            if (!won) {
                return Uni.createFrom().failure(CallErrors.invalidState("the call is " + call.state.name().toLowerCase()));
            }
            return outbox.add(event(type, call)).map(event -> new Pending(call, event));
        }));
    }

    private void announceEnds(List<Pending> ended) {
        List<OutboxRecord> events = new ArrayList<>();
        for (Pending pending : ended) {
            if (pending != null) {
                events.add(pending.event());
                countEnd(pending.call().endReason);
                if (pending.failure() != null) {
                    announceFailure(pending.call(), pending.failure());
                }
                announceEnd(pending.call());
            }
        }
        outbox.publish(events);
    }

    /** call_error to the parties' bound sockets, before the disconnect that follows it. */
    private void announceFailure(CallRecord call, CallError error) {
        String message = messages.event("call_error", error);
        delivery.toConnection(call.callerId, call.callerConnectionId, message);
        delivery.toConnection(call.calleeId, call.calleeConnectionId, message);
    }

    /** Disconnect to the caller's socket and to the callee's bound socket, or all of theirs if none answered. */
    private void announceEnd(CallRecord call) {
        String disconnect = messages.event("disconnect", new Disconnect(call.id.toString(), call.endReason,
                call.endReason.status(), call.endedBy));
        delivery.toConnection(call.callerId, call.callerConnectionId, disconnect);
        if (call.calleeConnectionId != null) {
            delivery.toConnection(call.calleeId, call.calleeConnectionId, disconnect);
        } else {
            delivery.toUser(call.calleeId, disconnect, null);
        }
    }

    private Uni<CallRecord> partyCall(UUID id, Requester who) {
        return calls.find(id).map(call -> {
            if (call == null || !call.hasParty(who.userId())) {
                throw CallErrors.callNotFound();
            }
            return call;
        });
    }

    /** A connected call of which the requester's socket is the bound one: the only source of SDP and ICE. */
    private Uni<CallRecord> boundCall(UUID id, Requester who) {
        return partyCall(id, who).map(call -> {
            if (!CONNECTED.contains(call.state)) {
                throw CallErrors.invalidState("media negotiation needs an answered call; the call is "
                        + call.state.name().toLowerCase());
            }
            if (who.connectionId() == null || !who.connectionId().equals(call.connectionOf(who.userId()))) {
                throw CallErrors.invalidState("this connection is not the one the call is bound to");
            }
            return call;
        });
    }

    private CallEvent event(CallEventType type, CallRecord call) {
        return new CallEvent(UUID.randomUUID().toString(), type, Instant.now(), call.id.toString(), call.caller(),
                call.callee(), call.audio, call.video, call.provider, type == CallEventType.INVITED ? Boolean.TRUE : null,
                call.state, call.endReason, call.endedBy, type == CallEventType.ENDED ? call.durationMs : null);
    }

    private void countEnd(EndReason reason) {
        metrics.counter("parley_calls_ended", "reason", reason.name()).increment();
    }

    private static UUID parse(String callId) {
        try {
            return UUID.fromString(callId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw CallErrors.callNotFound();
        }
    }
}
