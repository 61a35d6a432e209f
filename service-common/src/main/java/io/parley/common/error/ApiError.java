package io.parley.common.error;

/**
 * The error body every Parley edge returns: a stable code documented in the protocol spec, a message for
 * people, and the correlation id that also appears in the server log.
 */
public record ApiError(String code, String message, String correlationId) {
}
