package io.parley.media.turn.auth;

import io.parley.media.turn.StunCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/** Issues self-validating, expiring nonces (expiry + HMAC tag) so the server keeps no per-nonce state. */
public final class NonceManager {

    public enum Status { VALID, STALE, INVALID }

    private final byte[] key = new byte[20];
    private final Clock clock;
    private final Duration lifetime;

    public NonceManager(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
        new SecureRandom().nextBytes(key);
    }

    public String issue() {
        String expiry = Long.toHexString(clock.millis() + lifetime.toMillis());
        return expiry + "-" + tag(expiry);
    }

    public Status check(String nonce) {
        int dash = nonce.indexOf('-');
        if (dash <= 0 || dash > 16) {
            return Status.INVALID;
        }
        String expiry = nonce.substring(0, dash);
        if (!MessageDigest.isEqual(tag(expiry).getBytes(StandardCharsets.US_ASCII),
                nonce.substring(dash + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Status.INVALID;
        }
        long at;
        try {
            at = Long.parseUnsignedLong(expiry, 16);
        } catch (NumberFormatException e) {
            return Status.INVALID;
        }
        return at > clock.millis() ? Status.VALID : Status.STALE;
    }

    private String tag(String expiry) {
        byte[] data = expiry.getBytes(StandardCharsets.US_ASCII);
        byte[] mac = StunCodec.hmacSha1(key, data, 0, data.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac).substring(0, 16);
    }
}
