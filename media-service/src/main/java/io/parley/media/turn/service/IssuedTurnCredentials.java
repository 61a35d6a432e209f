package io.parley.media.turn.service;

import java.time.Instant;
import java.util.List;

/**
 * TURN credentials minted for one user, in the shape of the coturn REST API answer: a browser puts
 * {@code uris}, {@code username} and {@code password} into an {@code RTCIceServer}.
 *
 * @param username {@code <expiry unix seconds>:<user id>}
 * @param password base64 HMAC-SHA1 of the username under the relay's shared secret
 * @param ttlSeconds how long the credentials were minted for
 * @param expiresAt when the relay stops accepting them (also for refreshing an existing allocation)
 * @param uris {@code turn:} URIs of the relay, UDP first
 */
public record IssuedTurnCredentials(String username, String password, long ttlSeconds, Instant expiresAt,
        List<String> uris) {
}
