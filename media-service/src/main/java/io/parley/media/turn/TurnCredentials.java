package io.parley.media.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/** Mints and verifies coturn "use-auth-secret" (TURN REST API) credentials: user "expiry:userId", password base64(HMAC-SHA1). */
public final class TurnCredentials {

    /** A username/password pair handed to a client, valid until {@code expiresAt}. */
    public record Minted(String username, String password, Instant expiresAt) {
    }

    /** Outcome of checking a REST username: the user id it names, or why it is refused. */
    public record Verification(Status status, String userId, Instant expiresAt) {
        public boolean valid() {
            return status == Status.VALID;
        }
    }

    public enum Status { VALID, EXPIRED, MALFORMED }

    private final byte[] secret;
    private final Clock clock;

    public TurnCredentials(String sharedSecret, Clock clock) {
        if (sharedSecret == null || sharedSecret.isEmpty()) {
            throw new IllegalArgumentException("shared secret required");
        }
        this.secret = sharedSecret.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    public Minted mint(String userId, Duration ttl) {
        if (userId == null || userId.isEmpty() || userId.indexOf(':') >= 0) {
            throw new IllegalArgumentException("userId must be non-empty and contain no ':'");
        }
        Instant expiry = clock.instant().plus(ttl);
        String username = expiry.getEpochSecond() + ":" + userId;
        return new Minted(username, passwordFor(username), Instant.ofEpochSecond(expiry.getEpochSecond()));
    }

    /** The password the server expects for a REST username; the client never needs the secret. */
    public String passwordFor(String username) {
        byte[] mac = StunCodec.hmacSha1(secret, username.getBytes(StandardCharsets.UTF_8), 0,
                username.getBytes(StandardCharsets.UTF_8).length);
        return Base64.getEncoder().encodeToString(mac);
    }

    public boolean verify(String username, String password) {
        return check(username).valid() && MessageDigest.isEqual(
                passwordFor(username).getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses "expiry:userId" and refuses it once the expiry (unix seconds) is not in the future. */
    public Verification check(String username) {
        int colon = username == null ? -1 : username.indexOf(':');
        if (colon <= 0 || colon == username.length() - 1 || colon > 19) {
            return new Verification(Status.MALFORMED, null, null);
        }
        long expiry = 0;
        for (int i = 0; i < colon; i++) {
            char ch = username.charAt(i);
            if (ch < '0' || ch > '9') {
                return new Verification(Status.MALFORMED, null, null);
            }
            expiry = expiry * 10 + (ch - '0');
        }
        Instant at = Instant.ofEpochSecond(expiry);
        String userId = username.substring(colon + 1);
        if (!at.isAfter(clock.instant())) {
            return new Verification(Status.EXPIRED, userId, at);
        }
        return new Verification(Status.VALID, userId, at);
    }

    /** The RFC 8489 long-term key MD5(username ":" realm ":" password), used as the HMAC key for MESSAGE-INTEGRITY. */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
