package io.parley.protocol.signaling;

/**
 * Why a call failed, in a {@code call_error} event just before the {@code disconnect} of a {@code FAILED} call.
 * The table "Call error codes" of docs/protocol.md lists exactly these; a test compares the two.
 */
public enum CallErrorCode {
    /** A party lost its connection and did not resume within the resume grace. */
    PARTY_VANISHED,
    /** Media did not connect within the negotiation timeout. */
    NEGOTIATION_TIMEOUT,
    /** An established call's media did not come back within the media recovery limit, or a client gave up. */
    MEDIA_FAILED
}
