package io.parley.presence.status.ws;

/**
 * A request the socket refuses, with the stable error code of docs/protocol.md; answered with an
 * {@code error} reply, never by closing the socket.
 */
public class ProtocolException extends RuntimeException {

    public static final String BAD_MESSAGE = "BAD_MESSAGE";
    public static final String UNKNOWN_TYPE = "UNKNOWN_TYPE";
    public static final String MESSAGE_TOO_LARGE = "MESSAGE_TOO_LARGE";
    public static final String INVALID_PAYLOAD = "INVALID_PAYLOAD";
    public static final String INTERNAL = "INTERNAL";

    private final String code;
    private final String requestId;

    public ProtocolException(String code, String requestId, String message) {
        super(message, null, false, false);
        this.code = code;
        this.requestId = requestId;
    }

    public String code() {
        return code;
    }

    /** The request's id when it could be read, else null. */
    public String requestId() {
        return requestId;
    }
}
