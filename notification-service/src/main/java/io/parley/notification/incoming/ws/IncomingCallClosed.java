package io.parley.notification.incoming.ws;

/**
 * {@code incoming_call_closed}: the call was answered (on any page or device) or ended; pages close its popup.
 *
 * @param callId the call
 * @param reason {@code ANSWERED}, or the call's EndReason
 */
public record IncomingCallClosed(String callId, String reason) {

    public static final String TYPE = "incoming_call_closed";

    /** The reason given when the callee answered. */
    public static final String ANSWERED = "ANSWERED";
}
