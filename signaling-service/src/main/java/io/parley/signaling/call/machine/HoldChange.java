package io.parley.signaling.call.machine;

/** A change of hold that a party asked for and the other party has not confirmed yet. */
public enum HoldChange {
    /** The call is to be held. */
    HOLD,
    /** The held call is to be resumed. */
    RESUME
}
