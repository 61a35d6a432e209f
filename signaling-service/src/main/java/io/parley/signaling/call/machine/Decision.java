package io.parley.signaling.call.machine;

import io.parley.event.call.CallEventType;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.protocol.signaling.CallErrorCode;
import java.util.List;
import java.util.Set;

/** What the {@link CallMachine} decided. */
public sealed interface Decision {

    /** Not allowed now: the requester gets {@code INVALID_STATE} with this message. */
    record Refused(String message) implements Decision {
    }

    /**
     * A transition, applied only if the call is still in one of {@code from} (the guard the database checks):
     * the next state, what is recorded, the Kafka call event (null: none), why it failed (null unless
     * {@code to} is ENDED with FAILED), and the server events in the order they are sent.
     */
    record Transition(Set<CallState> from, CallState to, Effect effect, EndReason reason, Side endedBy,
            CallEventType event, Failure failure, List<Notice> notices) implements Decision {
    }

    /** The {@code call_error} sent before the {@code disconnect} of a FAILED call. */
    record Failure(String errorType, CallErrorCode code, String message) {
    }
}
