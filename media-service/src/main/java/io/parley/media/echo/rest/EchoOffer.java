package io.parley.media.echo.rest;

/**
 * {@code POST /api/media/echo}'s body.
 *
 * @param sdp the caller's complete SDP offer, ICE gathering already complete (no trickle)
 */
public record EchoOffer(String sdp) {
}
