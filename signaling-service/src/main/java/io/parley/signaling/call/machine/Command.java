package io.parley.signaling.call.machine;

/**
 * What can happen to a call: a party's request ({@link Decision} checks that party may ask), a deadline, or a
 * party's session detaching, resuming or vanishing.
 */
public enum Command {
    ANSWER(true), DECLINE(true), CANCEL(true), HANGUP(true),
    /** "End this call" from a page: cancel, decline or hang up, whichever applies to the requester now. */
    END_ANYWAY(true),
    /** The party's peer connection connected (again). */
    MEDIA_CONNECTED(true),
    /** The party's peer connection dropped and it restarts ICE. */
    MEDIA_RECONNECTING(true),
    /** The party's client gave up on media. */
    MEDIA_FAILED(true),
    RING_TIMEOUT(false), NEGOTIATION_TIMEOUT(false),
    /** The media recovery limit passed without a {@link #MEDIA_CONNECTED}. */
    MEDIA_TIMEOUT(false),
    /** The party's session lost its socket (or its instance died): it may resume within the grace. */
    PARTY_DETACHED(false),
    /** The party's detached session resumed. */
    PARTY_RESUMED(false),
    /** The party's session did not resume within the grace. */
    PARTY_VANISHED(false),
    /** The party puts the established call on hold (its side renegotiates; the other party's answer confirms). */
    HOLD(true),
    /** The party who held the call takes it off hold (renegotiating likewise). */
    UNHOLD(true),
    /** The party sends DTMF digits; the call stays as it is. */
    DTMF(true),
    /** The other party answered the holding party's renegotiation: the call is held. */
    HOLD_CONFIRMED(false),
    /** The other party answered the resuming party's renegotiation: the call is established again. */
    RESUME_CONFIRMED(false),
    /** A hold was not confirmed within the hold timeout. */
    HOLD_TIMEOUT(false),
    /** A resume was not confirmed within the hold timeout. */
    RESUME_TIMEOUT(false),
    /** An administrator ends the call, whatever its state. */
    TERMINATE(false);

    private final boolean request;

    Command(boolean request) {
        this.request = request;
    }

    /** True for what a party asks for; false for what the service observes (the side is then the party concerned). */
    public boolean isRequest() {
        return request;
    }
}
