package io.parley.protocol;

/**
 * The error body every Parley edge returns, in an {@code error} reply's payload and as a REST body: a stable
 * code from {@link ErrorCode}, a message for people, and the correlation id that also appears in the server log.
 */
public record ApiError(String code, String message, String correlationId) {

    public ApiError(ErrorCode code, String message, String correlationId) {
        this(code.name(), message, correlationId);
    }
}
