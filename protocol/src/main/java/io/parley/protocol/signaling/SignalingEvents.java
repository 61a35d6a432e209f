package io.parley.protocol.signaling;

import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.protocol.ProtocolVersion;

/** Payloads of the server events of {@code /ws/signaling} (docs/protocol.md, "Server events"), one record per type. */
public final class SignalingEvents {

    public static final String WELCOME = "welcome";
    public static final String PROGRESS = "progress";
    public static final String CONNECT = "connect";
    public static final String ESTABLISHED = "established";
    public static final String SDP = "sdp";
    public static final String ICE = "ice";
    public static final String END_OF_CANDIDATES = "end_of_candidates";
    public static final String DISCONNECT = "disconnect";
    public static final String CALL_ERROR = "call_error";
    public static final String PARTY_RECONNECTING = "party_reconnecting";
    public static final String PARTY_RECONNECTED = "party_reconnected";
    public static final String RECONNECT = "reconnect";
    public static final String HOLDING = "holding";
    public static final String HELD = "held";
    public static final String HOLD_ERROR = "hold_error";
    public static final String RESUMING = "resuming";
    public static final String RESUMED = "resumed";
    public static final String RESUME_ERROR = "resume_error";
    public static final String DTMF = "dtmf";

    private SignalingEvents() {
    }

    /** The first message of a socket: its connection, its fresh session and the secret that resumes it. */
    public record Welcome(String connectionId, String userId, int protocolVersion, String sessionId, String resumeToken,
            long resumeGraceSeconds) {

        public Welcome(String connectionId, String userId, String sessionId, String resumeToken, long resumeGraceSeconds) {
            this(connectionId, userId, ProtocolVersion.CURRENT, sessionId, resumeToken, resumeGraceSeconds);
        }
    }

    /*
     * The events of a call carry its seq: the call's events numbered from 1 in the order they happened
     * (docs/protocol.md, "Sessions and resume").
     */

    public record StateChange(String callId, long seq, CallState state) {
    }

    public record CallOnly(String callId, long seq) {
    }

    public record Disconnect(String callId, long seq, EndReason reason, int status, String endedBy) {
    }

    /** Why a call failed: {@code errorType} is {@code call_control} or {@code media}. */
    public record CallError(String callId, long seq, String errorType, CallErrorCode code, String message) {
    }

    public record Sdp(String callId, long seq, String sdpType, String sdp) {
    }

    public record Ice(String callId, long seq, String candidate, String sdpMid, Integer sdpMLineIndex) {
    }

    /** {@code party_reconnecting}: {@code userId} lost its connection and may resume within {@code graceSeconds}. */
    public record PartyReconnecting(String callId, long seq, String userId, long graceSeconds) {
    }

    /** {@code reconnect}: this instance is going away; reconnect (to any instance) and resume now. */
    public record Reconnect(String reason) {
    }

    /** {@code party_reconnected}: {@code userId} resumed. */
    public record PartyReconnected(String callId, long seq, String userId) {
    }

    /**
     * {@code holding}, {@code held}, {@code resuming}, {@code resumed}: {@code by} (a user id) holds or resumes
     * the call; in {@code holding} and {@code resuming} that party renegotiates (docs/protocol.md, "Hold and resume").
     */
    public record Hold(String callId, long seq, String by) {
    }

    /** {@code hold_error}, {@code resume_error}: the hold or resume by {@code by} did not happen; the call is as it was. */
    public record HoldError(String callId, long seq, String by, String errorType, String message) {
    }

    /** {@code dtmf}: {@code by} sent these digits (also as RFC 4733 telephone-events in the media). */
    public record Dtmf(String callId, long seq, String by, String digits, int durationMs, int gapMs) {
    }
}
