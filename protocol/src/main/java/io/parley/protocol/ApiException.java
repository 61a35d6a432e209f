package io.parley.protocol;

/**
 * A refusal with a stable error code, raised by resources, services and socket handlers; REST turns it into a
 * response with the code's HTTP status, a socket into an {@code error} reply to the request that caused it.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final ErrorCode code;

    public ApiException(ErrorCode code, String message) {
        this(code.httpStatus(), code, message);
    }

    /** For the rare refusal whose HTTP status differs from the code's usual one. */
    public ApiException(int status, ErrorCode code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public ErrorCode errorCode() {
        return code;
    }

    /** The code as it goes on the wire. */
    public String code() {
        return code.name();
    }
}
