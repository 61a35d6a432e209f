package io.parley.signaling.call.machine;

/** What a transition records besides the state. */
public enum Effect {
    /** Binds the callee's session, records the answer time and starts the negotiation deadline. */
    ANSWER,
    /** Records the time media connected; clears the negotiation deadline. */
    ESTABLISH,
    /** Records the end: reason, who ended it, when, and the duration. */
    END,
    /** Starts the media recovery deadline unless it runs already. */
    START_MEDIA_RECOVERY,
    /** Clears the media recovery deadline. */
    CLEAR_MEDIA_RECOVERY,
    /** Records a hold asked for by the side, with its deadline, unless a hold or resume is pending. */
    REQUEST_HOLD,
    /** Records a resume asked for by the side, with its deadline, unless a hold or resume is pending. */
    REQUEST_RESUME,
    /** The pending hold happened: the state becomes HELD, held by the party who asked. */
    HOLD,
    /** The pending resume happened: the state becomes ESTABLISHED. */
    RESUME,
    /** Forgets the pending hold or resume (it timed out). */
    CLEAR_HOLD_REQUEST,
    /** Nothing but the notices (a party detached or resumed). */
    NONE
}
