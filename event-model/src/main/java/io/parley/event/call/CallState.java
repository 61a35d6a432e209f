package io.parley.event.call;

/**
 * Where a call stands. {@code NEW -> RINGING -> ANSWERED -> ESTABLISHED <-> HELD -> ENDED}; any state
 * but ENDED may go to ENDED. The full transition table is in docs/protocol.md.
 */
public enum CallState {
    /** Recorded, callee not yet alerted. */
    NEW,
    /** The callee's pages are alerted. */
    RINGING,
    /** The callee answered on one connection; the browsers are negotiating media. */
    ANSWERED,
    /** Offer and answer were exchanged: media flows. */
    ESTABLISHED,
    /** One side put the call on hold. */
    HELD,
    /** Over, with an {@link EndReason}. */
    ENDED;

    /** States in which the parties are connected to each other: a callee in one of these is busy. */
    public boolean connected() {
        return this == ANSWERED || this == ESTABLISHED || this == HELD;
    }
}
