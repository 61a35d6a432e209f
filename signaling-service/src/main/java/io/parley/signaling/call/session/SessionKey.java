package io.parley.signaling.call.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * A socket's session: its id and the secret that resumes it. Only the token's SHA-256 is stored; the token
 * itself lives in the client's memory and in the socket that holds the session.
 */
public record SessionKey(UUID id, String token) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh session with a 256-bit token. */
    public static SessionKey fresh() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new SessionKey(UUID.randomUUID(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    public byte[] tokenHash() {
        return hash(token);
    }

    /** Compares in constant time. */
    public static boolean matches(String token, byte[] expectedHash) {
        return expectedHash != null && MessageDigest.isEqual(hash(token), expectedHash);
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "SessionKey[" + id + "]";
    }
}
