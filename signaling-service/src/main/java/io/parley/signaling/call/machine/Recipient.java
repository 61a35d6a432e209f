package io.parley.signaling.call.machine;

/** Who is told of a transition. */
public enum Recipient {
    /** The caller's bound session. */
    CALLER,
    /** The callee's bound session. */
    CALLEE,
    /** Both bound sessions. */
    BOTH,
    /** The caller's bound session, and every signaling connection of the callee when no session of theirs is bound. */
    BOTH_OR_CALLEE_EVERYWHERE;

    /** The recipient that is {@code side}. */
    public static Recipient of(Side side) {
        return side == Side.CALLER ? CALLER : CALLEE;
    }
}
