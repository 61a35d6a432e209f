package io.parley.media.turn.auth;

/** The outcome of checking a request's long-term credentials: who sent it, or the response that refuses it. */
public sealed interface AuthResult permits AuthResult.Authenticated, AuthResult.Rejected {

    /** The authenticated identity of a request and the key its response is signed with. */
    record Authenticated(String username, String userId, byte[] key) implements AuthResult {
    }

    /** The request is refused with {@code response} (a challenge or an error) and must go no further. */
    record Rejected(byte[] response) implements AuthResult {
    }
}
