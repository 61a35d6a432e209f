package io.parley.protocol;

/**
 * A frame a socket refuses before it is dispatched (not an envelope, too large), carrying the request's id
 * when one could be read; answered with an {@code error} reply, never by closing the socket.
 */
public class ProtocolException extends ApiException {

    private final String requestId;

    public ProtocolException(ErrorCode code, String requestId, String message) {
        super(code, message);
        this.requestId = requestId;
    }

    /** The request's id when it could be read, else null. */
    public String requestId() {
        return requestId;
    }
}
