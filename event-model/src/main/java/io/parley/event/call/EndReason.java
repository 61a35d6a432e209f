package io.parley.event.call;

/**
 * Why a call ended, as both parties see it. {@link #status()} is the SIP-like status code that telephony
 * SDKs report with a disconnect, so integrators can map it to what they know.
 */
public enum EndReason {
    /** A party hung up an answered call. */
    HANGUP(200, false),
    /** The callee declined. */
    DECLINED(603, false),
    /** The caller gave up before an answer. */
    CANCELLED(487, true),
    /** The callee was already in a connected call. */
    BUSY(486, true),
    /** Nobody answered before the ring timeout. */
    NO_ANSWER(408, true),
    /** The callee is in do-not-disturb or offline. */
    UNAVAILABLE(480, true),
    /** Negotiation timed out or a party's connection vanished. */
    FAILED(500, false),
    /** The call was handed to someone else. */
    TRANSFERRED(302, false),
    /** An administrator ended the call ({@code endedBy} is the administrator's user id). */
    TERMINATED(487, false);

    private final int status;
    private final boolean missedByCallee;

    EndReason(int status, boolean missedByCallee) {
        this.status = status;
        this.missedByCallee = missedByCallee;
    }

    public int status() {
        return status;
    }

    /** True when the callee never took the call: it goes to their missed-call list. */
    public boolean missedByCallee() {
        return missedByCallee;
    }
}
