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
    /** Nothing but the notices (a party detached or resumed). */
    NONE
}
