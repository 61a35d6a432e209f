package io.parley.media.echo;

/** Why an echo test call ended, as {@code endReason} in its report. */
public enum EndReason {
    /** The caller hung up ({@code DELETE}). */
    HANGUP,
    /** The caller's media stopped arriving (ICE disconnected or closed). */
    DISCONNECTED,
    /** The call reached its maximum duration. */
    TIME_LIMIT,
    /** The media never connected within the connect timeout, ICE or DTLS failed, or the server shut down. */
    FAILED
}
