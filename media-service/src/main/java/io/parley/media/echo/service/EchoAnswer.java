package io.parley.media.echo.service;

/**
 * {@code POST /api/media/echo}'s answer.
 *
 * @param id the echo test call, for {@code GET} and {@code DELETE /api/media/echo/{id}}
 * @param sdp the complete SDP answer, every server candidate included (no trickle)
 * @param maxDurationSeconds when the server ends the call ({@code TIME_LIMIT}), counted from now
 */
public record EchoAnswer(String id, String sdp, long maxDurationSeconds) {
}
