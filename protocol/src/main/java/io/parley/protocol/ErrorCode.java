package io.parley.protocol;

/**
 * The one list of error codes a Parley client can receive, on sockets ({@code error} replies) and from REST
 * (the body {@code {code, message, correlationId}}), each with the HTTP status it carries on REST. The
 * table "Error codes" of docs/protocol.md lists exactly these; a test compares the two.
 */
public enum ErrorCode {
    BAD_MESSAGE(400),
    UNKNOWN_TYPE(400),
    MESSAGE_TOO_LARGE(413),
    INVALID_PAYLOAD(400),
    UNKNOWN_CALLEE(404),
    SELF_CALL(400),
    PROVIDER_DISABLED(400),
    CALL_NOT_FOUND(404),
    RESUME_REFUSED(409),
    INVALID_STATE(409),
    BAD_REQUEST(400),
    UNAUTHENTICATED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    CONFLICT(409),
    UNSUPPORTED_MEDIA_TYPE(415),
    REQUEST_REFUSED(400),
    TURN_RELAY_UNAVAILABLE(503),
    TURN_USER_ID_UNSUPPORTED(400),
    ECHO_BUSY(503),
    ECHO_UNAVAILABLE(503),
    INTERNAL(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The status a REST response with this code carries. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The code REST gives an HTTP status that no Parley code raised (a framework's own refusal). */
    public static ErrorCode ofHttpStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406, 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 409 -> CONFLICT;
            case 413 -> MESSAGE_TOO_LARGE;
            default -> status >= 500 ? INTERNAL : REQUEST_REFUSED;
        };
    }
}
