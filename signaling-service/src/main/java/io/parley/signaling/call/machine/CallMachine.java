package io.parley.signaling.call.machine;

import static io.parley.protocol.signaling.SignalingEvents.CALL_ERROR;
import static io.parley.protocol.signaling.SignalingEvents.CONNECT;
import static io.parley.protocol.signaling.SignalingEvents.DISCONNECT;
import static io.parley.protocol.signaling.SignalingEvents.DTMF;
import static io.parley.protocol.signaling.SignalingEvents.ESTABLISHED;
import static io.parley.protocol.signaling.SignalingEvents.HELD;
import static io.parley.protocol.signaling.SignalingEvents.HOLDING;
import static io.parley.protocol.signaling.SignalingEvents.HOLD_ERROR;
import static io.parley.protocol.signaling.SignalingEvents.RESUMED;
import static io.parley.protocol.signaling.SignalingEvents.RESUME_ERROR;
import static io.parley.protocol.signaling.SignalingEvents.RESUMING;
import static io.parley.protocol.signaling.SignalingEvents.PARTY_RECONNECTED;
import static io.parley.protocol.signaling.SignalingEvents.PARTY_RECONNECTING;

import io.parley.event.call.CallEventType;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.protocol.signaling.CallErrorCode;
import io.parley.signaling.call.machine.Decision.Failure;
import io.parley.signaling.call.machine.Decision.Refused;
import io.parley.signaling.call.machine.Decision.Transition;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The call state machine of docs/protocol.md ("Call states"), free of sockets, Kafka and the database:
 * (state, command, which side it concerns) to a {@link Decision}, i.e. the guard, the next state, what is
 * recorded, the Kafka event and who is told what. {@code CallService} applies the decision in a transaction.
 */
public final class CallMachine {

    public static final Set<CallState> UNANSWERED = Set.copyOf(EnumSet.of(CallState.NEW, CallState.RINGING));
    public static final Set<CallState> CONNECTED = Set.copyOf(EnumSet.of(CallState.ANSWERED, CallState.ESTABLISHED,
            CallState.HELD));
    public static final Set<CallState> MEDIA_UP = Set.copyOf(EnumSet.of(CallState.ESTABLISHED, CallState.HELD));
    public static final Set<CallState> OPEN = Set.copyOf(EnumSet.complementOf(EnumSet.of(CallState.ENDED)));

    private final Duration negotiationTimeout;
    private final Duration mediaRecovery;
    private final Duration resumeGrace;

    public CallMachine(Duration negotiationTimeout, Duration mediaRecovery, Duration resumeGrace) {
        this.negotiationTimeout = negotiationTimeout;
        this.mediaRecovery = mediaRecovery;
        this.resumeGrace = resumeGrace;
    }

    /**
     * The call's hold besides its state: a hold or resume asked for by {@code requestedBy} and not yet confirmed
     * ({@code pending} null: none), and who holds a HELD call.
     */
    public record Hold(HoldChange pending, Side requestedBy, Side heldBy) {

        public static final Hold NONE = new Hold(null, null, null);
    }

    /** What {@code command} does to a call in {@code state} with no hold pending. */
    public Decision decide(CallState state, Command command, Side side) {
        return decide(state, Hold.NONE, command, side);
    }

    /** What {@code command} does to a call in {@code state}; {@code side} is who asks, or whom it concerns. */
    public Decision decide(CallState state, Hold hold, Command command, Side side) {
        if (state == CallState.ENDED) {
            return refused(state);
        }
        return switch (command) {
            case ANSWER -> side != Side.CALLEE ? new Refused("only the callee can answer")
                    : state != CallState.RINGING ? refused(state)
                    : new Transition(Set.of(CallState.RINGING), CallState.ANSWERED, Effect.ANSWER, null, null,
                            CallEventType.ANSWERED, null, List.of(new Notice(Recipient.BOTH, CONNECT)));
            case DECLINE -> side != Side.CALLEE ? new Refused("only the callee can decline")
                    : !UNANSWERED.contains(state) ? refused(state) : end(UNANSWERED, EndReason.DECLINED, side, null);
            case CANCEL -> side != Side.CALLER ? new Refused("only the caller can cancel")
                    : !UNANSWERED.contains(state) ? refused(state) : end(UNANSWERED, EndReason.CANCELLED, side, null);
            case HANGUP -> !CONNECTED.contains(state) ? refused(state) : end(CONNECTED, EndReason.HANGUP, side, null);
            case END_ANYWAY -> decide(state, !UNANSWERED.contains(state) ? Command.HANGUP
                    : side == Side.CALLER ? Command.CANCEL : Command.DECLINE, side);
            case MEDIA_CONNECTED -> state == CallState.ANSWERED
                    ? new Transition(Set.of(CallState.ANSWERED), CallState.ESTABLISHED, Effect.ESTABLISH, null, null,
                            CallEventType.ESTABLISHED, null, List.of(new Notice(Recipient.BOTH, ESTABLISHED)))
                    : MEDIA_UP.contains(state) ? stay(MEDIA_UP, Effect.CLEAR_MEDIA_RECOVERY, List.of())
                    : mediaBeforeAnswer(state);
            case MEDIA_RECONNECTING -> state == CallState.ANSWERED ? stay(Set.of(state), Effect.NONE, List.of())
                    // the negotiation deadline covers an answered call
                    : MEDIA_UP.contains(state) ? stay(MEDIA_UP, Effect.START_MEDIA_RECOVERY, List.of())
                    : mediaBeforeAnswer(state);
            case MEDIA_FAILED -> !CONNECTED.contains(state) ? mediaBeforeAnswer(state)
                    : end(CONNECTED, EndReason.FAILED, null, new Failure("media", CallErrorCode.MEDIA_FAILED,
                            "the " + name(side) + "'s media connection failed and could not be restored"));
            case RING_TIMEOUT -> state != CallState.RINGING ? refused(state)
                    : end(Set.of(CallState.RINGING), EndReason.NO_ANSWER, null, null);
            case NEGOTIATION_TIMEOUT -> state != CallState.ANSWERED ? refused(state)
                    : end(Set.of(CallState.ANSWERED), EndReason.FAILED, null, new Failure("media",
                            CallErrorCode.NEGOTIATION_TIMEOUT, "media did not connect within "
                                    + negotiationTimeout.toSeconds() + " s"));
            case MEDIA_TIMEOUT -> !MEDIA_UP.contains(state) ? refused(state)
                    : end(MEDIA_UP, EndReason.FAILED, null, new Failure("media", CallErrorCode.MEDIA_FAILED,
                            "the media connection was lost and did not come back within "
                                    + mediaRecovery.toSeconds() + " s"));
            case PARTY_DETACHED -> stay(OPEN, Effect.NONE,
                    List.of(new Notice(Recipient.of(side.other()), PARTY_RECONNECTING)));
            case PARTY_RESUMED -> stay(OPEN, Effect.NONE,
                    List.of(new Notice(Recipient.of(side.other()), PARTY_RECONNECTED)));
            case HOLD -> state == CallState.HELD ? new Refused("the call is held already")
                    : state != CallState.ESTABLISHED ? new Refused("only an established call can be held; the call is "
                            + lower(state))
                    : hold.pending() != null ? inProgress(hold)
                    : new Transition(Set.of(state), null, Effect.REQUEST_HOLD, null, null, null, null,
                            List.of(new Notice(Recipient.BOTH, HOLDING)));
            case UNHOLD -> state != CallState.HELD ? new Refused("the call is not held; it is " + lower(state))
                    : hold.pending() != null ? inProgress(hold)
                    : side != hold.heldBy() ? new Refused("only the party who held the call can resume it")
                    : new Transition(Set.of(state), null, Effect.REQUEST_RESUME, null, null, null, null,
                            List.of(new Notice(Recipient.BOTH, RESUMING)));
            case DTMF -> state != CallState.ESTABLISHED ? new Refused("digits are sent in an established call; the call is "
                            + lower(state))
                    : new Transition(Set.of(state), null, Effect.NONE, null, null, CallEventType.DTMF, null,
                            List.of(new Notice(Recipient.of(side.other()), DTMF)));
            case HOLD_CONFIRMED -> state != CallState.ESTABLISHED || hold.pending() != HoldChange.HOLD
                    || hold.requestedBy() != side.other() ? new Refused("no hold by the other party to confirm")
                    : new Transition(Set.of(state), CallState.HELD, Effect.HOLD, null, null, CallEventType.HELD, null,
                            List.of(new Notice(Recipient.BOTH, HELD)));
            case RESUME_CONFIRMED -> state != CallState.HELD || hold.pending() != HoldChange.RESUME
                    || hold.requestedBy() != side.other() ? new Refused("no resume by the other party to confirm")
                    : new Transition(Set.of(state), CallState.ESTABLISHED, Effect.RESUME, null, null, CallEventType.RESUMED,
                            null, List.of(new Notice(Recipient.BOTH, RESUMED)));
            case HOLD_TIMEOUT -> state != CallState.ESTABLISHED || hold.pending() != HoldChange.HOLD
                    ? new Refused("no hold pending")
                    : stay(Set.of(state), Effect.CLEAR_HOLD_REQUEST, List.of(new Notice(Recipient.BOTH, HOLD_ERROR)));
            case RESUME_TIMEOUT -> state != CallState.HELD || hold.pending() != HoldChange.RESUME
                    ? new Refused("no resume pending")
                    : stay(Set.of(state), Effect.CLEAR_HOLD_REQUEST, List.of(new Notice(Recipient.BOTH, RESUME_ERROR)));
            case TERMINATE -> end(OPEN, EndReason.TERMINATED, null, null);
            case PARTY_VANISHED -> UNANSWERED.contains(state) && side == Side.CALLER
                    ? end(UNANSWERED, EndReason.CANCELLED, side, null)
                    : end(OPEN, EndReason.FAILED, null, new Failure("call_control", CallErrorCode.PARTY_VANISHED,
                            "the " + name(side) + "'s connection was lost and did not come back within "
                                    + resumeGrace.toSeconds() + " s"));
        };
    }

    private static Transition end(Set<CallState> from, EndReason reason, Side endedBy, Failure failure) {
        List<Notice> notices = failure == null ? List.of(new Notice(Recipient.BOTH_OR_CALLEE_EVERYWHERE, DISCONNECT))
                : List.of(new Notice(Recipient.BOTH, CALL_ERROR), new Notice(Recipient.BOTH_OR_CALLEE_EVERYWHERE, DISCONNECT));
        return new Transition(from, CallState.ENDED, Effect.END, reason, endedBy, CallEventType.ENDED, failure, notices);
    }

    /** A guarded step that keeps the state (null {@code to}). */
    private static Transition stay(Set<CallState> from, Effect effect, List<Notice> notices) {
        return new Transition(from, null, effect, null, null, null, null, notices);
    }

    private static Refused inProgress(Hold hold) {
        return new Refused("a " + (hold.pending() == HoldChange.HOLD ? "hold" : "resume")
                + " of this call is in progress; try again when it is confirmed or failed");
    }

    private static Refused mediaBeforeAnswer(CallState state) {
        return new Refused("media reports need an answered call; the call is " + lower(state));
    }

    private static Refused refused(CallState state) {
        return new Refused("the call is " + lower(state));
    }

    private static String lower(CallState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static String name(Side side) {
        return side == null ? "party" : lower(side);
    }

    private static String lower(Side side) {
        return side.name().toLowerCase(Locale.ROOT);
    }
}
