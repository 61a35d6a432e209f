package io.parley.signaling.call.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.event.Topics;
import io.parley.event.call.CallEvent;
import io.parley.event.call.CallEventType;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.outbox.Outbox;
import io.parley.protocol.signaling.SignalingEvents;
import io.parley.protocol.signaling.SignalingEvents.CallError;
import io.parley.protocol.signaling.SignalingEvents.Disconnect;
import io.parley.protocol.signaling.SignalingEvents.Hold;
import io.parley.protocol.signaling.SignalingEvents.HoldError;
import io.parley.protocol.signaling.SignalingRequests.Dtmf;
import io.parley.protocol.signaling.SignalingEvents.PartyReconnected;
import io.parley.protocol.signaling.SignalingEvents.PartyReconnecting;
import io.parley.protocol.signaling.SignalingEvents.StateChange;
import io.parley.signaling.SignalingConfig;
import io.parley.signaling.call.machine.CallMachine;
import io.parley.signaling.call.machine.Command;
import io.parley.signaling.call.machine.Decision;
import io.parley.signaling.call.machine.Decision.Transition;
import io.parley.signaling.call.machine.Effect;
import io.parley.signaling.call.machine.HoldChange;
import io.parley.signaling.call.machine.Notice;
import io.parley.signaling.call.machine.Side;
import io.parley.signaling.call.relay.Delivery;
import io.parley.signaling.call.relay.Outgoing;
import io.parley.signaling.call.repository.CallRecord;
import io.parley.signaling.call.repository.CallRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Applies the {@link CallMachine}'s decisions: the guarded update, the Kafka event in the outbox and the
 * numbered server events in the call's log, all in the caller's transaction; then, once it committed,
 * {@link #announce} delivers them. The one place where a call changes.
 */
@ApplicationScoped
public class CallTransitions {

    /** A transition that was applied: the call as it is now and what to send once the transaction commits. */
    public record Applied(CallRecord call, Transition transition, List<Outgoing> messages) {

        /** True when the call ended with this transition (false for a call placed, which has none). */
        public boolean ended() {
            return transition != null && transition.to() == CallState.ENDED;
        }
    }

    private final CallMachine machine;
    private final CallRepository calls;
    private final CallLog log;
    private final Outbox outbox;
    private final Delivery delivery;
    private final SignalingConfig config;
    private final Map<EndReason, Counter> ended = new EnumMap<>(EndReason.class);

    public CallTransitions(CallRepository calls, CallLog log, Outbox outbox, Delivery delivery, SignalingConfig config,
            MeterRegistry metrics) {
        this.machine = new CallMachine(config.negotiationTimeout(), config.mediaRecoveryTimeout(), config.resumeGrace());
        this.calls = calls;
        this.log = log;
        this.outbox = outbox;
        this.delivery = delivery;
        this.config = config;
        for (EndReason reason : EndReason.values()) {
            ended.put(reason, Counter.builder("parley.signaling.calls.ended").description("calls ended, by end reason")
                    .tag("reason", reason.name()).register(metrics));
        }
    }

    public CallMachine machine() {
        return machine;
    }

    /**
     * Applies {@code command} by or concerning {@code side} in this transaction; fails with INVALID_STATE when the
     * machine refuses or another request changed the call first. {@code answeringSession}: the session an
     * answer binds.
     */
    public Uni<Applied> apply(CallRecord call, Command command, Side side, UUID answeringSession) {
        return apply(call, command, side, answeringSession, null);
    }

    /** As {@link #apply(CallRecord, Command, Side, UUID)}, with the DTMF request that a {@code DTMF} command sends. */
    public Uni<Applied> apply(CallRecord call, Command command, Side side, UUID answeringSession, Dtmf digits) {
        return apply(call, command, side, answeringSession, digits, null);
    }

    /** An administrator ({@code adminId}) ends the call: TERMINATED, ended by them. */
    public Uni<Applied> terminate(CallRecord call, String adminId) {
        return apply(call, Command.TERMINATE, null, null, null, adminId);
    }

    private Uni<Applied> apply(CallRecord call, Command command, Side side, UUID answeringSession, Dtmf digits,
            String endedByAdmin) {
        Decision decision = machine.decide(call.state, call.hold(), command, side);
        if (decision instanceof Decision.Refused refused) {
            return Uni.createFrom().failure(CallErrors.invalidState(refused.message()));
        }
        Transition t = (Transition) decision;
        Instant now = Instant.now();
        // The update reserves the seqs of the events it sends; reading the call again gives them (and its new state).
        int seqs = t.notices().size();
        Uni<Boolean> update = switch (t.effect()) {
            case ANSWER -> calls.answer(call.id, answeringSession, now, now.plus(config.negotiationTimeout()), seqs);
            case ESTABLISH -> calls.establish(call.id, now, seqs);
            case END -> calls.end(call.id, t.from(), t.reason(), endedByAdmin != null ? endedByAdmin
                    : t.endedBy() == null ? null : call.userOf(t.endedBy()),
                    now, call.answeredAt == null ? 0 : Duration.between(call.answeredAt, now).toMillis(), seqs);
            case START_MEDIA_RECOVERY -> calls.startMediaRecovery(call.id, t.from(),
                    now.plus(config.mediaRecoveryTimeout()), seqs);
            case CLEAR_MEDIA_RECOVERY -> calls.clearMediaRecovery(call.id, t.from(), seqs);
            case REQUEST_HOLD, REQUEST_RESUME -> calls.requestHold(call.id, t.from(),
                    t.effect() == Effect.REQUEST_HOLD ? HoldChange.HOLD : HoldChange.RESUME, call.userOf(side),
                    now.plus(config.holdTimeout()), seqs);
            case HOLD -> calls.confirmHold(call.id, t.from(), HoldChange.HOLD, CallState.HELD, call.holdRequestedBy, seqs);
            case RESUME -> calls.confirmHold(call.id, t.from(), HoldChange.RESUME, CallState.ESTABLISHED, null, seqs);
            case CLEAR_HOLD_REQUEST -> calls.clearHoldRequest(call.id, t.from(), call.holdPending, seqs);
            case NONE -> calls.guard(call.id, t.from(), seqs);
        };
        return update.chain(won -> reread(call).chain(current -> {
            if (!won) {
                return Uni.createFrom().failure(CallErrors.invalidState("the call is "
                        + current.state.name().toLowerCase()));
            }
            String by = switch (t.effect()) {
                case HOLD -> current.heldBy;
                case RESUME -> call.holdRequestedBy;
                default -> digits != null ? current.userOf(side) : null;
            };
            Uni<?> event = t.event() == null ? Uni.createFrom().voidItem()
                    : addEvent(t.event(), current, by, digits == null ? null : digits.digits());
            List<CallLog.Entry> entries = t.notices().stream()
                    .map(notice -> entry(call, current, notice, t, side, digits)).toList();
            return event.chain(() -> log.record(current, entries)).map(out -> new Applied(current, t, out));
        }));
    }

    /**
     * The call as the guarded update left it, a new instance: the update changed the row behind the session's back.
     * (Not {@code refresh}: Hibernate Reactive logs a deprecation warning for every refresh, four per call.)
     */
    private static Uni<CallRecord> reread(CallRecord call) {
        return Panache.getSession().chain(session -> {
            session.detach(call);
            return session.find(CallRecord.class, call.id);
        });
    }

    /**
     * Stores a call just placed, with its INVITED or ENDED event and its first server event (seq 1), in this
     * transaction.
     */
    public Uni<List<Outgoing>> placed(CallRecord call) {
        call.lastSeq = 1;
        return call.persist().chain(() -> firstEvents(call));
    }

    private Uni<List<Outgoing>> firstEvents(CallRecord call) {
        if (call.state == CallState.RINGING) {
            return addEvent(CallEventType.INVITED, call).chain(() -> log.record(call, List.of(new CallLog.Entry(
                    io.parley.signaling.call.machine.Recipient.CALLER, SignalingEvents.PROGRESS,
                    seq -> new StateChange(call.id.toString(), seq, CallState.RINGING)))));
        }
        return addEvent(CallEventType.ENDED, call).chain(() -> log.record(call, List.of(new CallLog.Entry(
                io.parley.signaling.call.machine.Recipient.BOTH_OR_CALLEE_EVERYWHERE, SignalingEvents.DISCONNECT,
                seq -> disconnect(call, seq)))));
    }

    /** After the transaction committed: the events to their sockets, the outbox to Kafka, the end counted. */
    public void announce(List<Applied> applied) {
        for (Applied a : applied) {
            if (a != null) {
                if (a.ended()) {
                    countEnd(a.call().endReason);
                }
                delivery.deliver(a.messages());
            }
        }
        outbox.publish();
    }

    /**
     * Applies a command to calls one after another (a reactive session runs one operation at a time); a call that
     * another request or instance changed first is skipped (null in the list).
     */
    public Uni<List<Applied>> applyEach(List<CallRecord> open, java.util.function.Function<CallRecord, Uni<Applied>> apply) {
        return io.smallrye.mutiny.Multi.createFrom().iterable(open)
                .onItem().transformToUniAndConcatenate(call -> apply.apply(call)
                        .onFailure(io.parley.protocol.ApiException.class).recoverWithNull())
                .collect().asList();
    }

    public void countEnd(EndReason reason) {
        ended.get(reason).increment();
    }

    /** {@code before}: the call as the transition found it; {@code call}: as it left it. */
    private CallLog.Entry entry(CallRecord before, CallRecord call, Notice notice, Transition t, Side side, Dtmf digits) {
        String callId = call.id.toString();
        return new CallLog.Entry(notice.to(), notice.type(), seq -> switch (notice.type()) {
            case SignalingEvents.CONNECT, SignalingEvents.ESTABLISHED -> new StateChange(callId, seq, call.state);
            case SignalingEvents.DISCONNECT -> disconnect(call, seq);
            case SignalingEvents.CALL_ERROR -> new CallError(callId, seq, t.failure().errorType(), t.failure().code(),
                    t.failure().message());
            case SignalingEvents.PARTY_RECONNECTING -> new PartyReconnecting(callId, seq, call.userOf(side),
                    config.resumeGrace().toSeconds());
            case SignalingEvents.PARTY_RECONNECTED -> new PartyReconnected(callId, seq, call.userOf(side));
            case SignalingEvents.HOLDING, SignalingEvents.RESUMING -> new Hold(callId, seq, call.holdRequestedBy);
            case SignalingEvents.HELD -> new Hold(callId, seq, call.heldBy);
            case SignalingEvents.RESUMED -> new Hold(callId, seq, before.holdRequestedBy);
            case SignalingEvents.HOLD_ERROR, SignalingEvents.RESUME_ERROR -> new HoldError(callId, seq,
                    before.holdRequestedBy, "TIMEOUT", "the other party did not confirm the "
                            + (before.holdPending == HoldChange.HOLD ? "hold" : "resume") + " within "
                            + config.holdTimeout().toSeconds() + " s; the call is as it was");
            case SignalingEvents.DTMF -> new SignalingEvents.Dtmf(callId, seq, call.userOf(side), digits.digits(),
                    digits.durationMs(), digits.gapMs());
            default -> throw new IllegalStateException("no payload for " + notice.type());
        });
    }

    private static Disconnect disconnect(CallRecord call, long seq) {
        return new Disconnect(call.id.toString(), seq, call.endReason, call.endReason.status(), call.endedBy);
    }

    /** The transition's event, in the outbox within the transition's transaction (keyed by call: in order per call). */
    private Uni<?> addEvent(CallEventType type, CallRecord call) {
        return addEvent(type, call, null, null);
    }

    private Uni<?> addEvent(CallEventType type, CallRecord call, String by, String digits) {
        CallEvent event = new CallEvent(UUID.randomUUID().toString(), type, Instant.now(), call.id.toString(),
                call.caller(), call.callee(), call.audio, call.video, call.provider,
                type == CallEventType.INVITED ? Boolean.TRUE : null, call.state, call.endReason, call.endedBy,
                type == CallEventType.ENDED ? call.durationMs : null, by, digits);
        return outbox.addJson(Topics.CALL_EVENTS, event.callId(), event.eventId(), event);
    }
}
