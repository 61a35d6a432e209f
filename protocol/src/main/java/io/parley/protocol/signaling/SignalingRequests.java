package io.parley.protocol.signaling;

import io.parley.protocol.Payload;
import java.util.Optional;

/** The requests a client sends on {@code /ws/signaling} (docs/protocol.md, "Client requests"), one record per shape. */
public final class SignalingRequests {

    private SignalingRequests() {
    }

    /** The request types of the signaling socket. */
    public enum Type {
        CALL("call"), ANSWER("answer"), DECLINE("decline"), CANCEL("cancel"), HANGUP("hangup"), SDP("sdp"),
        ICE("ice"), END_OF_CANDIDATES("end_of_candidates"), MEDIA("media"), RESUME("resume"), LIST_CALLS("list_calls"),
        REFRESH_TOKEN("refresh_token"), HOLD("hold"), UNHOLD("unhold"), DTMF("dtmf");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Optional<Type> of(String wire) {
            for (Type type : values()) {
                if (type.wire.equals(wire)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    /** {@code call}: place a call. */
    public record Call(String calleeId, boolean audio, boolean video, String provider) {

        public static final String DEFAULT_PROVIDER = "webrtc";

        public static Call read(Payload payload) {
            return new Call(payload.text("calleeId"), payload.bool("audio", true), payload.bool("video", true),
                    payload.optionalText("provider", DEFAULT_PROVIDER));
        }
    }

    /** {@code answer}, {@code decline}, {@code cancel}, {@code hangup}, {@code end_of_candidates}. */
    public record CallId(String callId) {

        public static CallId read(Payload payload) {
            return new CallId(payload.text("callId"));
        }
    }

    /** {@code sdp}: an offer or answer for the other party. */
    public record Sdp(String callId, String sdpType, String sdp) {

        public static Sdp read(Payload payload) {
            return new Sdp(payload.text("callId"), payload.oneOf("sdpType", "offer", "answer"), payload.text("sdp"));
        }
    }

    /** {@code ice}: a trickled candidate for the other party. */
    public record Ice(String callId, String candidate, String sdpMid, Integer sdpMLineIndex) {

        public static Ice read(Payload payload) {
            return new Ice(payload.text("callId"), payload.text("candidate"), payload.optionalText("sdpMid", null),
                    payload.optionalInt("sdpMLineIndex"));
        }
    }

    /** {@code media}: what the party's peer connection does. */
    public record Media(String callId, MediaState state) {

        public static Media read(Payload payload) {
            String state = payload.oneOf("state", "connected", "reconnecting", "failed");
            return new Media(payload.text("callId"), MediaState.valueOf(state.toUpperCase(java.util.Locale.ROOT)));
        }
    }

    /** The states a client reports with {@code media}. */
    public enum MediaState {
        /** The peer connection is connected (again). */
        CONNECTED,
        /** It is disconnected or failed, or the network changed: the client restarts ICE. */
        RECONNECTING,
        /** The client gave up. */
        FAILED
    }

    /** {@code resume}: bind this socket to an earlier session; {@code lastSeq} is callId to the highest seq seen. */
    public record Resume(String sessionId, String resumeToken, java.util.Map<String, Long> lastSeq) {

        /** More calls than a session can hold are not worth replaying for. */
        public static final int MAX_CALLS = 64;

        public static Resume read(Payload payload) {
            return new Resume(payload.text("sessionId"), payload.text("resumeToken"),
                    payload.countsByKey("lastSeq", MAX_CALLS));
        }
    }

    /** {@code refresh_token}: a fresh access token of the same user for this socket. */
    public record RefreshToken(String accessToken) {

        public static RefreshToken read(Payload payload) {
            return new RefreshToken(payload.text("accessToken"));
        }
    }

    /**
     * {@code dtmf}: digits for the other party (docs/protocol.md, "DTMF"). The bounds are RFC 4733's and
     * RTCDTMFSender's: a tone of 40 to 6000 ms, a gap of at least 30 ms (at most 6000 here).
     */
    public record Dtmf(String callId, String digits, int durationMs, int gapMs) {

        public static final String DIGITS = "0123456789*#ABCD";
        public static final int MAX_DIGITS = 64;
        public static final int DEFAULT_DURATION_MS = 100;
        public static final int DEFAULT_GAP_MS = 70;

        public static Dtmf read(Payload payload) {
            String digits = payload.text("digits").toUpperCase(java.util.Locale.ROOT);
            if (digits.length() > MAX_DIGITS || !digits.chars().allMatch(c -> DIGITS.indexOf(c) >= 0)) {
                throw Payload.invalid("'digits' must be 1 to " + MAX_DIGITS + " of 0-9 * # A B C D");
            }
            return new Dtmf(payload.text("callId"), digits, bounded(payload, "durationMs", DEFAULT_DURATION_MS, 40, 6000),
                    bounded(payload, "gapMs", DEFAULT_GAP_MS, 30, 6000));
        }

        private static int bounded(Payload payload, String field, int fallback, int min, int max) {
            Integer value = payload.optionalInt(field);
            if (value == null) {
                return fallback;
            }
            if (value < min || value > max) {
                throw Payload.invalid("'" + field + "' must be between " + min + " and " + max + " (ms)");
            }
            return value;
        }
    }
}
