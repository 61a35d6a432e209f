package io.parley.signaling.call.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.event.presence.PresenceStatus;
import io.parley.event.presence.UserProfile;
import io.parley.protocol.signaling.SignalingEvents;
import io.parley.protocol.signaling.SignalingEvents.CallOnly;
import io.parley.protocol.signaling.SignalingEvents.Ice;
import io.parley.protocol.signaling.SignalingEvents.Sdp;
import io.parley.protocol.signaling.SignalingRequests.Dtmf;
import io.parley.protocol.signaling.SignalingRequests.MediaState;
import io.parley.signaling.SignalingConfig;
import io.parley.signaling.call.machine.CallMachine;
import io.parley.signaling.call.machine.Command;
import io.parley.signaling.call.machine.HoldChange;
import io.parley.signaling.call.machine.Recipient;
import io.parley.signaling.call.machine.Side;
import io.parley.signaling.call.relay.Delivery;
import io.parley.signaling.call.relay.Outgoing;
import io.parley.signaling.call.repository.CallRecord;
import io.parley.signaling.call.repository.CallRepository;
import io.parley.signaling.call.service.CallTransitions.Applied;
import io.parley.signaling.call.session.SessionRepository;
import io.parley.signaling.directory.DirectoryView;
import io.parley.signaling.provider.ProviderSettings;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.LongFunction;

/**
 * The call requests of docs/protocol.md: each checks who may ask, lets the {@link CallMachine} decide
 * ({@link CallTransitions} applies it in a transaction, with its outbox event and numbered server events),
 * and returns what to tell the parties once the requester has had its reply.
 */
@ApplicationScoped
public class CallService {

    /** The call after an operation, and the messages to send after the requester's reply. */
    public record Outcome(CallView call, Runnable afterReply) {

        static Outcome of(CallRecord call) {
            return new Outcome(CallView.of(call), () -> {
            });
        }
    }

    private final CallRepository calls;
    private final SessionRepository sessions;
    private final CallTransitions transitions;
    private final CallLog log;
    private final Delivery delivery;
    private final DirectoryView directory;
    private final ProviderSettings providers;
    private final SignalingConfig config;
    private final Counter placed;

    public CallService(CallRepository calls, SessionRepository sessions, CallTransitions transitions, CallLog log,
            Delivery delivery, DirectoryView directory, ProviderSettings providers, SignalingConfig config,
            MeterRegistry metrics) {
        this.calls = calls;
        this.sessions = sessions;
        this.transitions = transitions;
        this.log = log;
        this.delivery = delivery;
        this.directory = directory;
        this.providers = providers;
        this.config = config;
        this.placed = Counter.builder("parley.signaling.calls.placed").description("calls placed").register(metrics);
    }

    /** Places a call bound to the requester's session: it rings, or ends at once as BUSY or UNAVAILABLE. */
    public Uni<Outcome> call(Requester who, String calleeId, boolean audio, boolean video, String provider) {
        if (who.session() == null) {
            return Uni.createFrom().failure(CallErrors.invalidState("calls are placed from a signaling connection"));
        }
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
        Instant now = Instant.now();
        CallRecord call = new CallRecord();
        return Panache.withTransaction(() -> bindSession(who, now).chain(() -> calls.isBusy(calleeId)).chain(busy -> {
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
            call.callerSessionId = who.session().id();
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
            // The callee's pages hear of a ringing call from notification-service (docs/protocol.md).
            return transitions.placed(call);
        })).map(out -> {
            sessions.recorded(who.session().id());
            placed.increment();
            if (call.state == CallState.ENDED) {
                transitions.countEnd(call.endReason);
            }
            return new Outcome(CallView.of(call), () -> transitions.announce(List.of(new Applied(call, null, out))));
        });
    }

    /** The callee takes the call, bound to the requesting socket's session. */
    public Uni<Outcome> answer(Requester who, String callId) {
        UUID id = parse(callId);
        if (who.session() == null) {
            return Uni.createFrom().failure(CallErrors.invalidState("answer from a signaling connection"));
        }
        return Panache.withTransaction(() -> bindSession(who, Instant.now()).chain(() -> partyCall(id, who))
                .chain(call -> transitions.apply(call, Command.ANSWER, call.sideOf(who.userId()), who.session().id())))
                .invoke(() -> sessions.recorded(who.session().id())).map(this::outcome);
    }

    /** The callee refuses a ringing call. */
    public Uni<Outcome> decline(Requester who, String callId) {
        return request(who, callId, Command.DECLINE);
    }

    /** The caller gives up before an answer. */
    public Uni<Outcome> cancel(Requester who, String callId) {
        return request(who, callId, Command.CANCEL);
    }

    /** Either party ends an answered call. */
    public Uni<Outcome> hangup(Requester who, String callId) {
        return request(who, callId, Command.HANGUP);
    }

    /** "End this call" from a page: cancel, decline or hang up, whichever applies to the requester now. */
    public Uni<Outcome> endAnyway(Requester who, String callId) {
        return request(who, callId, Command.END_ANYWAY);
    }

    /** What the party's peer connection does: connected establishes the call (docs/protocol.md, "ESTABLISHED means media"). */
    public Uni<Outcome> media(Requester who, String callId, MediaState state) {
        UUID id = parse(callId);
        Command command = switch (state) {
            case CONNECTED -> Command.MEDIA_CONNECTED;
            case RECONNECTING -> Command.MEDIA_RECONNECTING;
            case FAILED -> Command.MEDIA_FAILED;
        };
        return Panache.withTransaction(() -> boundCall(id, who)
                .chain(call -> transitions.apply(call, command, call.sideOf(who.userId()), null))).map(this::outcome);
    }

    /**
     * Relays a session description (an offer or answer, the first or a renegotiation) to the other party. An answer
     * to the other party's hold or resume renegotiation confirms it (docs/protocol.md, "Hold and resume").
     */
    public Uni<Runnable> sdp(Requester who, String callId, String sdpType, String sdp) {
        Uni<Runnable> relayed = relay(who, callId, SignalingEvents.SDP, seq -> new Sdp(callId, seq, sdpType, sdp));
        if (!"answer".equals(sdpType)) {
            return relayed;
        }
        return relayed.chain(sent -> confirmHold(who, parse(callId)).map(applied -> applied == null ? sent : () -> {
            sent.run();
            transitions.announce(List.of(applied));
        }));
    }

    /** The pending hold or resume of the other party, confirmed by this answer; null when there is none. */
    private Uni<Applied> confirmHold(Requester who, UUID id) {
        return Panache.withTransaction(() -> calls.find(id).chain(call -> {
            if (call == null || call.holdPending == null || who.userId().equals(call.holdRequestedBy)) {
                return Uni.createFrom().nullItem();
            }
            Command command = call.holdPending == HoldChange.HOLD ? Command.HOLD_CONFIRMED : Command.RESUME_CONFIRMED;
            return transitions.apply(call, command, call.sideOf(who.userId()), null)
                    .onFailure(io.parley.protocol.ApiException.class).recoverWithNull();
        }));
    }

    /**
     * Puts an established call on hold: both parties get {@code holding}; the requester's side renegotiates and the
     * other party's answer makes it HELD, or the hold timeout gives {@code hold_error}.
     */
    public Uni<Outcome> hold(Requester who, String callId) {
        return request(who, callId, Command.HOLD);
    }

    /** Takes a call that the requester held off hold, the same way ({@code resuming}, then {@code resumed}). */
    public Uni<Outcome> unhold(Requester who, String callId) {
        return request(who, callId, Command.UNHOLD);
    }

    /** Sends DTMF digits to the other party of an established call (a {@code dtmf} event and a Kafka DTMF event). */
    public Uni<Outcome> dtmf(Requester who, Dtmf digits) {
        UUID id = parse(digits.callId());
        return Panache.withTransaction(() -> partyCall(id, who)
                .chain(call -> transitions.apply(call, Command.DTMF, call.sideOf(who.userId()), null, digits)))
                .map(this::outcome);
    }

    /** Every call that has not ended, for an administrator: optionally of one user and/or in one state. */
    public Uni<List<CallView>> liveCalls(String userId, CallState state, int limit) {
        return Panache.withSession(() -> calls.live(userId, state, limit)).map(list -> list.stream().map(CallView::of)
                .toList());
    }

    /** Any call, for an administrator. */
    public Uni<CallView> anyCall(String callId) {
        UUID id = parse(callId);
        return Panache.withSession(() -> calls.find(id)).map(call -> {
            if (call == null) {
                throw CallErrors.callNotFound();
            }
            return CallView.of(call);
        });
    }

    /** An administrator ends a call whatever its state: both parties get {@code disconnect} TERMINATED. */
    public Uni<Outcome> terminate(String adminId, String callId) {
        UUID id = parse(callId);
        return Panache.withTransaction(() -> calls.find(id).chain(call -> {
            if (call == null) {
                throw CallErrors.callNotFound();
            }
            return transitions.terminate(call, adminId);
        })).map(this::outcome);
    }

    /** Relays an ICE candidate to the other party. */
    public Uni<Runnable> ice(Requester who, String callId, String candidate, String sdpMid, Integer sdpMLineIndex) {
        return relay(who, callId, SignalingEvents.ICE, seq -> new Ice(callId, seq, candidate, sdpMid, sdpMLineIndex));
    }

    /** Tells the other party that no more candidates will come. */
    public Uni<Runnable> endOfCandidates(Requester who, String callId) {
        return relay(who, callId, SignalingEvents.END_OF_CANDIDATES, seq -> new CallOnly(callId, seq));
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

    private Uni<Outcome> request(Requester who, String callId, Command command) {
        UUID id = parse(callId);
        return Panache.withTransaction(() -> partyCall(id, who)
                .chain(call -> transitions.apply(call, command, call.sideOf(who.userId()), null))).map(this::outcome);
    }

    private Outcome outcome(Applied applied) {
        return new Outcome(CallView.of(applied.call()), () -> transitions.announce(List.of(applied)));
    }

    /**
     * One statement, no transaction (the relay path runs for every SDP and ICE message); when it wrote nothing, the
     * call is read to say why.
     */
    private Uni<Runnable> relay(Requester who, String callId, String type, LongFunction<Object> payload) {
        UUID id = parse(callId);
        if (who.session() == null) {
            return Uni.createFrom().failure(CallErrors.invalidState("media negotiation runs over a signaling connection"));
        }
        return Panache.withSession(() -> log.relay(id, who.userId(), who.session().id(), type, payload)
                .chain(out -> out != null ? Uni.createFrom().<Runnable>item(() -> delivery.deliver(List.of(out)))
                        : boundCall(id, who).map(call -> {
                            // It was a connected call bound to this session, and changed between the two reads.
                            throw CallErrors.invalidState("the call is " + call.state.name().toLowerCase());
                        })));
    }

    /** Records the requester's session (once) as the one its socket on this instance holds. */
    private Uni<Void> bindSession(Requester who, Instant now) {
        return sessions.bind(who.session(), who.userId(), config.instanceId(), who.connectionId(), now);
    }

    private Uni<CallRecord> partyCall(UUID id, Requester who) {
        return calls.find(id).map(call -> {
            if (call == null || !call.hasParty(who.userId())) {
                throw CallErrors.callNotFound();
            }
            return call;
        });
    }

    /** A connected call bound to the requester's session: the only source of SDP, ICE and media reports. */
    private Uni<CallRecord> boundCall(UUID id, Requester who) {
        return partyCall(id, who).map(call -> {
            if (!CallMachine.CONNECTED.contains(call.state)) {
                throw CallErrors.invalidState("media negotiation needs an answered call; the call is "
                        + call.state.name().toLowerCase());
            }
            if (who.session() == null || !who.session().id().equals(call.sessionOf(call.sideOf(who.userId())))) {
                throw CallErrors.invalidState("this connection's session is not the one the call is bound to");
            }
            return call;
        });
    }

    private static UUID parse(String callId) {
        try {
            return UUID.fromString(callId);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw CallErrors.callNotFound();
        }
    }
}
