package io.parley.common.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and verifies coturn "use-auth-secret" (TURN REST API) credentials: user "expiry:userId", password
 * base64(HMAC-SHA1(secret, user)). One implementation for every service that hands out or checks them (the
 * media relay checks, the admin service hands them out in the client configuration), so they always agree.
 */
public final class TurnCredentials {

    /**
     * The shared secret services use when none is configured. Demo-only: it is public in this repository, so
     * anyone could mint credentials for a relay that keeps it; services warn at start outside dev and test.
     */
    public static final String DEMO_SHARED_SECRET = "parley-demo-turn-secret-not-for-production";

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

    // Mac instances are not thread-safe and costly to look up; the relay computes one per authenticated request.
    private static final ThreadLocal<Mac> HMAC_SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    private final SecretKeySpec secret;
    private final Clock clock;

    public TurnCredentials(String sharedSecret, Clock clock) {
        if (sharedSecret == null || sharedSecret.isEmpty()) {
            throw new IllegalArgumentException("shared secret required");
        }
        this.secret = new SecretKeySpec(sharedSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
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
        Mac mac = HMAC_SHA1.get();
        try {
            mac.init(secret);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
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
