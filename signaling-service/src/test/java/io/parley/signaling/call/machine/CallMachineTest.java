package io.parley.signaling.call.machine;

import static io.parley.event.call.CallState.ANSWERED;
import static io.parley.event.call.CallState.ENDED;
import static io.parley.event.call.CallState.ESTABLISHED;
import static io.parley.event.call.CallState.HELD;
import static io.parley.event.call.CallState.NEW;
import static io.parley.event.call.CallState.RINGING;
import static io.parley.signaling.call.machine.Side.CALLEE;
import static io.parley.signaling.call.machine.Side.CALLER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.event.call.CallEventType;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.protocol.signaling.CallErrorCode;
import io.parley.protocol.signaling.SignalingEvents;
import io.parley.signaling.call.machine.Decision.Refused;
import io.parley.signaling.call.machine.Decision.Transition;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every row of docs/protocol.md's "Call states" table, and the refusals around it, without a server. */
class CallMachineTest {

    private final CallMachine machine = new CallMachine(Duration.ofSeconds(30), Duration.ofSeconds(15),
            Duration.ofSeconds(20));

    private Transition transition(CallState state, Command command, Side side) {
        return assertInstanceOf(Transition.class, machine.decide(state, command, side),
                command + " by " + side + " in " + state);
    }

    private String refusal(CallState state, Command command, Side side) {
        return assertInstanceOf(Refused.class, machine.decide(state, command, side),
                command + " by " + side + " in " + state).message();
    }

    private static List<Notice> notices(Transition t) {
        return t.notices();
    }

    private static void endsAs(Transition t, Set<CallState> from, EndReason reason, Side endedBy) {
        assertEquals(from, t.from());
        assertEquals(ENDED, t.to());
        assertEquals(Effect.END, t.effect());
        assertEquals(reason, t.reason());
        assertEquals(endedBy, t.endedBy());
        assertEquals(CallEventType.ENDED, t.event());
        assertEquals(new Notice(Recipient.BOTH_OR_CALLEE_EVERYWHERE, SignalingEvents.DISCONNECT),
                t.notices().get(t.notices().size() - 1), "the disconnect comes last");
    }

    private static void failsWith(Transition t, String errorType, CallErrorCode code) {
        assertEquals(EndReason.FAILED, t.reason());
        assertEquals(errorType, t.failure().errorType());
        assertEquals(code, t.failure().code());
        assertEquals(List.of(new Notice(Recipient.BOTH, SignalingEvents.CALL_ERROR),
                new Notice(Recipient.BOTH_OR_CALLEE_EVERYWHERE, SignalingEvents.DISCONNECT)), t.notices(),
                "call_error just before the disconnect");
    }

    @Test
    void theCalleeAnswersARingingCallAndBothAreToldToConnect() {
        Transition t = transition(RINGING, Command.ANSWER, CALLEE);
        assertEquals(Set.of(RINGING), t.from());
        assertEquals(ANSWERED, t.to());
        assertEquals(Effect.ANSWER, t.effect());
        assertEquals(CallEventType.ANSWERED, t.event());
        assertEquals(List.of(new Notice(Recipient.BOTH, SignalingEvents.CONNECT)), notices(t));
        assertEquals("only the callee can answer", refusal(RINGING, Command.ANSWER, CALLER));
        for (CallState state : List.of(NEW, ANSWERED, ESTABLISHED, HELD, ENDED)) {
            assertEquals("the call is " + state.name().toLowerCase(), refusal(state, Command.ANSWER, CALLEE));
        }
    }

    @Test
    void onlyTheCalleeDeclinesAndOnlyTheCallerCancelsAnUnansweredCall() {
        for (CallState state : List.of(NEW, RINGING)) {
            endsAs(transition(state, Command.DECLINE, CALLEE), CallMachine.UNANSWERED, EndReason.DECLINED, CALLEE);
            endsAs(transition(state, Command.CANCEL, CALLER), CallMachine.UNANSWERED, EndReason.CANCELLED, CALLER);
        }
        assertEquals("only the callee can decline", refusal(RINGING, Command.DECLINE, CALLER));
        assertEquals("only the caller can cancel", refusal(RINGING, Command.CANCEL, CALLEE));
        assertEquals("the call is answered", refusal(ANSWERED, Command.DECLINE, CALLEE));
        assertEquals("the call is established", refusal(ESTABLISHED, Command.CANCEL, CALLER));
    }

    @Test
    void eitherPartyHangsUpAConnectedCallButNotAnUnansweredOne() {
        for (CallState state : CallMachine.CONNECTED) {
            for (Side side : Side.values()) {
                Transition t = transition(state, Command.HANGUP, side);
                endsAs(t, CallMachine.CONNECTED, EndReason.HANGUP, side);
                assertNull(t.failure());
                assertEquals(1, t.notices().size());
            }
        }
        assertEquals("the call is ringing", refusal(RINGING, Command.HANGUP, CALLER));
    }

    @Test
    void endAnywayCancelsDeclinesOrHangsUpAsTheStateAndSideRequire() {
        assertEquals(EndReason.CANCELLED, transition(RINGING, Command.END_ANYWAY, CALLER).reason());
        assertEquals(EndReason.DECLINED, transition(RINGING, Command.END_ANYWAY, CALLEE).reason());
        assertEquals(EndReason.HANGUP, transition(ESTABLISHED, Command.END_ANYWAY, CALLEE).reason());
        assertEquals("the call is ended", refusal(ENDED, Command.END_ANYWAY, CALLER));
    }

    @Test
    void aMediaConnectedReportEstablishesAnAnsweredCallAndClearsARecoveryLater() {
        for (Side side : Side.values()) {
            Transition t = transition(ANSWERED, Command.MEDIA_CONNECTED, side);
            assertEquals(ESTABLISHED, t.to());
            assertEquals(Effect.ESTABLISH, t.effect());
            assertEquals(CallEventType.ESTABLISHED, t.event());
            assertEquals(List.of(new Notice(Recipient.BOTH, SignalingEvents.ESTABLISHED)), t.notices());
        }
        for (CallState state : CallMachine.MEDIA_UP) {
            Transition again = transition(state, Command.MEDIA_CONNECTED, CALLER);
            assertNull(again.to(), "the state stays");
            assertEquals(Effect.CLEAR_MEDIA_RECOVERY, again.effect());
            assertNull(again.event());
            assertTrue(again.notices().isEmpty());
        }
        assertTrue(refusal(RINGING, Command.MEDIA_CONNECTED, CALLER).startsWith("media reports need an answered call"));
    }

    @Test
    void mediaReconnectingStartsTheRecoveryLimitAndItsExpiryOrAGiveUpFailsTheCall() {
        Transition reconnecting = transition(ESTABLISHED, Command.MEDIA_RECONNECTING, CALLEE);
        assertNull(reconnecting.to());
        assertEquals(Effect.START_MEDIA_RECOVERY, reconnecting.effect());
        assertEquals(CallMachine.MEDIA_UP, reconnecting.from());
        assertEquals(Effect.NONE, transition(ANSWERED, Command.MEDIA_RECONNECTING, CALLER).effect(),
                "the negotiation deadline covers an answered call");

        Transition timeout = transition(HELD, Command.MEDIA_TIMEOUT, null);
        endsAs(timeout, CallMachine.MEDIA_UP, EndReason.FAILED, null);
        failsWith(timeout, "media", CallErrorCode.MEDIA_FAILED);
        assertEquals("the media connection was lost and did not come back within 15 s", timeout.failure().message());
        assertEquals("the call is answered", refusal(ANSWERED, Command.MEDIA_TIMEOUT, null));

        Transition gaveUp = transition(ANSWERED, Command.MEDIA_FAILED, CALLER);
        endsAs(gaveUp, CallMachine.CONNECTED, EndReason.FAILED, null);
        failsWith(gaveUp, "media", CallErrorCode.MEDIA_FAILED);
    }

    @Test
    void deadlinesEndRingingAndUnnegotiatedCalls() {
        Transition noAnswer = transition(RINGING, Command.RING_TIMEOUT, null);
        endsAs(noAnswer, Set.of(RINGING), EndReason.NO_ANSWER, null);
        assertNull(noAnswer.failure());
        Transition notNegotiated = transition(ANSWERED, Command.NEGOTIATION_TIMEOUT, null);
        endsAs(notNegotiated, Set.of(ANSWERED), EndReason.FAILED, null);
        failsWith(notNegotiated, "media", CallErrorCode.NEGOTIATION_TIMEOUT);
        assertEquals("media did not connect within 30 s", notNegotiated.failure().message());
        // A deadline that lost the race with an answer or a report changes nothing.
        assertEquals("the call is answered", refusal(ANSWERED, Command.RING_TIMEOUT, null));
        assertEquals("the call is established", refusal(ESTABLISHED, Command.NEGOTIATION_TIMEOUT, null));
    }

    @Test
    void aDetachedOrResumedPartyKeepsTheCallAndTheOtherPartyIsTold() {
        for (CallState state : EnumSet.complementOf(EnumSet.of(ENDED))) {
            for (Side side : Side.values()) {
                Transition detached = transition(state, Command.PARTY_DETACHED, side);
                assertNull(detached.to());
                assertEquals(CallMachine.OPEN, detached.from());
                assertNull(detached.event(), "no Kafka event: the call did not change");
                assertEquals(List.of(new Notice(Recipient.of(side.other()), SignalingEvents.PARTY_RECONNECTING)),
                        detached.notices());
                Transition resumed = transition(state, Command.PARTY_RESUMED, side);
                assertEquals(List.of(new Notice(Recipient.of(side.other()), SignalingEvents.PARTY_RECONNECTED)),
                        resumed.notices());
            }
        }
        assertEquals("the call is ended", refusal(ENDED, Command.PARTY_DETACHED, CALLER));
    }

    @Test
    void aPartyThatDoesNotResumeEndsTheCallAsFailedOrACallersRingingCallAsCancelled() {
        Transition cancelled = transition(RINGING, Command.PARTY_VANISHED, CALLER);
        endsAs(cancelled, CallMachine.UNANSWERED, EndReason.CANCELLED, CALLER);
        assertNull(cancelled.failure(), "a missed call for the callee, not a failure");
        for (CallState state : List.of(ANSWERED, ESTABLISHED, HELD)) {
            for (Side side : Side.values()) {
                Transition failed = transition(state, Command.PARTY_VANISHED, side);
                endsAs(failed, CallMachine.OPEN, EndReason.FAILED, null);
                failsWith(failed, "call_control", CallErrorCode.PARTY_VANISHED);
                assertEquals("the " + side.name().toLowerCase() + "'s connection was lost and did not come back "
                        + "within 20 s", failed.failure().message());
            }
        }
    }

    @Test
    void nothingHappensToAnEndedCall() {
        for (Command command : Command.values()) {
            for (Side side : Side.values()) {
                assertInstanceOf(Refused.class, machine.decide(ENDED, command, side), command.name());
            }
        }
    }

    private Decision decide(CallState state, CallMachine.Hold hold, Command command, Side side) {
        return machine.decide(state, hold, command, side);
    }

    @Test
    void holdIsAskedForInAnEstablishedCallAndConfirmedOnlyByTheOtherParty() {
        Transition asked = assertInstanceOf(Transition.class, decide(ESTABLISHED, CallMachine.Hold.NONE, Command.HOLD,
                CALLEE));
        assertEquals(Set.of(ESTABLISHED), asked.from());
        assertNull(asked.to());
        assertEquals(Effect.REQUEST_HOLD, asked.effect());
        assertEquals(List.of(new Notice(Recipient.BOTH, SignalingEvents.HOLDING)), asked.notices());

        CallMachine.Hold pending = new CallMachine.Hold(HoldChange.HOLD, CALLEE, null);
        Transition held = assertInstanceOf(Transition.class, decide(ESTABLISHED, pending, Command.HOLD_CONFIRMED, CALLER));
        assertEquals(HELD, held.to());
        assertEquals(CallEventType.HELD, held.event());
        assertEquals(List.of(new Notice(Recipient.BOTH, SignalingEvents.HELD)), held.notices());
        assertInstanceOf(Refused.class, decide(ESTABLISHED, pending, Command.HOLD_CONFIRMED, CALLEE), "the holder itself");
        assertInstanceOf(Refused.class, decide(ESTABLISHED, CallMachine.Hold.NONE, Command.HOLD_CONFIRMED, CALLER));
        assertTrue(((Refused) decide(ESTABLISHED, pending, Command.HOLD, CALLER)).message().contains("in progress"));
        assertEquals(Effect.CLEAR_HOLD_REQUEST, assertInstanceOf(Transition.class,
                decide(ESTABLISHED, pending, Command.HOLD_TIMEOUT, null)).effect());
    }

    @Test
    void onlyTheHolderResumesAHeldCall() {
        CallMachine.Hold heldByCaller = new CallMachine.Hold(null, null, CALLER);
        assertTrue(((Refused) decide(HELD, heldByCaller, Command.UNHOLD, CALLEE)).message().contains("only the party"));
        assertTrue(((Refused) decide(HELD, heldByCaller, Command.HOLD, CALLEE)).message().contains("held already"));
        Transition resume = assertInstanceOf(Transition.class, decide(HELD, heldByCaller, Command.UNHOLD, CALLER));
        assertEquals(Effect.REQUEST_RESUME, resume.effect());
        Transition resumed = assertInstanceOf(Transition.class, decide(HELD,
                new CallMachine.Hold(HoldChange.RESUME, CALLER, CALLER), Command.RESUME_CONFIRMED, CALLEE));
        assertEquals(ESTABLISHED, resumed.to());
        assertEquals(CallEventType.RESUMED, resumed.event());
        assertTrue(refusal(ESTABLISHED, Command.UNHOLD, CALLER).contains("not held"));
        for (CallState state : List.of(NEW, RINGING, ANSWERED, ENDED)) {
            assertInstanceOf(Refused.class, machine.decide(state, Command.HOLD, CALLER), "hold in " + state);
            assertInstanceOf(Refused.class, machine.decide(state, Command.DTMF, CALLER), "dtmf in " + state);
        }
        // Hangup and media failure end a held call as any connected one.
        endsAs(transition(HELD, Command.HANGUP, CALLEE), Set.of(ANSWERED, ESTABLISHED, HELD), EndReason.HANGUP, CALLEE);
    }

    @Test
    void dtmfGoesToTheOtherPartyAndAnAdministratorEndsAnyOpenCall() {
        Transition dtmf = transition(ESTABLISHED, Command.DTMF, CALLER);
        assertNull(dtmf.to());
        assertEquals(CallEventType.DTMF, dtmf.event());
        assertEquals(List.of(new Notice(Recipient.CALLEE, SignalingEvents.DTMF)), dtmf.notices());
        for (CallState state : List.of(NEW, RINGING, ANSWERED, ESTABLISHED, HELD)) {
            Transition t = transition(state, Command.TERMINATE, null);
            assertEquals(EndReason.TERMINATED, t.reason());
            assertEquals(ENDED, t.to());
        }
        assertInstanceOf(Refused.class, machine.decide(ENDED, Command.TERMINATE, null));
    }
}
