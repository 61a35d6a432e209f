package io.parley.event.call;

/** What happened to a call; one {@link CallEvent} per transition (and per DTMF sent). */
public enum CallEventType {
    /** The call was placed and the callee is alerted ({@code ring} tells whether pages ring). */
    INVITED,
    /** The callee answered on one connection. */
    ANSWERED,
    /** Media negotiation completed. */
    ESTABLISHED,
    /** Put on hold. */
    HELD,
    /** Taken off hold. */
    RESUMED,
    /** A party sent DTMF digits ({@code digits}, {@code by}); the call's state is unchanged. */
    DTMF,
    /** The call is over ({@code endReason} says why). */
    ENDED
}
