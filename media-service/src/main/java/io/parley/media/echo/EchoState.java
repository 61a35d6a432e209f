package io.parley.media.echo;

import java.util.Locale;

/** Where an echo test call stands, as {@code state} in its report. */
public enum EchoState {
    /** Answered; media not flowing yet. */
    CONNECTING,
    /** ICE connected: the caller's media arrives and is sent back. */
    CONNECTED,
    /** Over; see the {@link EndReason}. */
    ENDED;

    /** The wire form: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
