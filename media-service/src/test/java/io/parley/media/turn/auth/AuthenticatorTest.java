package io.parley.media.turn.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.parley.common.turn.TurnCredentials;
import io.parley.media.turn.InMemoryTurnMetrics;
import io.parley.media.turn.MutableClock;
import io.parley.media.turn.Stun;
import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.StunCodec;
import io.parley.media.turn.StunMessage;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.TurnServerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The long-term credential check on its own: challenges, nonce expiry, realm and integrity, without sockets. */
class AuthenticatorTest {
    private static final String REALM = "parley.test";

    private final MutableClock clock = new MutableClock();
    private final InMemoryTurnMetrics metrics = new InMemoryTurnMetrics();
    private final Authenticator authenticator = new Authenticator(TurnServerConfig.builder(REALM, "test-secret")
            .nonceLifetime(Duration.ofSeconds(60)).build(), metrics, clock);
    private final TurnCredentials.Minted alice = authenticator.credentials().mint("alice", Duration.ofHours(1));

    @Test
    void requestWithoutIntegrityIsChallengedWithRealmAndNonce() throws Exception {
        StunMessage challenge = rejection(authenticator.authenticate(request(List.of()), new byte[0], 0));
        assertEquals(Stun.CLASS_ERROR, challenge.messageClass());
        assertEquals(401, errorCode(challenge));
        assertEquals(REALM, challenge.attribute(Stun.ATTR_REALM).asString());
        assertNotNull(challenge.attribute(Stun.ATTR_NONCE));
    }

    @Test
    void signedRequestWithFreshNonceIsAuthenticatedAsItsUser() throws Exception {
        AuthResult result = signedAllocate(alice.username(), alice.password(), REALM, nonce());
        AuthResult.Authenticated auth = assertInstanceOf(AuthResult.Authenticated.class, result);
        assertEquals(alice.username(), auth.username());
        assertEquals("alice", auth.userId());
        assertArrayEquals(TurnCredentials.longTermKey(alice.username(), REALM, alice.password()), auth.key());
        assertEquals(0, metrics.authFailures());
    }

    @Test
    void expiredNonceGetsStaleNonceWithANewOne() throws Exception {
        String nonce = nonce();
        clock.advance(Duration.ofSeconds(61));
        StunMessage stale = rejection(signedAllocate(alice.username(), alice.password(), REALM, nonce));
        assertEquals(438, errorCode(stale));
        assertNotNull(stale.attribute(Stun.ATTR_NONCE));
        assertEquals(0, metrics.authFailures());
    }

    @Test
    void wrongRealmOrPasswordIsUnauthorizedAndCounted() throws Exception {
        assertEquals(401, errorCode(rejection(signedAllocate(alice.username(), alice.password(), "other", nonce()))));
        assertEquals(401, errorCode(rejection(signedAllocate(alice.username(), "guess", REALM, nonce()))));
        assertEquals(2, metrics.authFailures());
    }

    @Test
    void integrityWithoutUsernameRealmOrNonceIsBadRequest() throws Exception {
        byte[] key = TurnCredentials.longTermKey(alice.username(), REALM, alice.password());
        byte[] raw = StunCodec.encode(request(List.of()), key, false);
        StunMessage req = StunCodec.decode(raw, 0, raw.length);
        assertEquals(400, errorCode(rejection(authenticator.authenticate(req, raw, raw.length))));
        assertEquals(1, metrics.refusals(Refusal.BAD_REQUEST));
    }

    private String nonce() throws Exception {
        return rejection(authenticator.authenticate(request(List.of()), new byte[0], 0))
                .attribute(Stun.ATTR_NONCE).asString();
    }

    private AuthResult signedAllocate(String username, String password, String realm, String nonce) throws Exception {
        List<StunAttribute> attrs = new ArrayList<>(List.of(StunAttribute.requestedTransport(Stun.TRANSPORT_UDP),
                StunAttribute.string(Stun.ATTR_USERNAME, username), StunAttribute.string(Stun.ATTR_REALM, realm),
                StunAttribute.string(Stun.ATTR_NONCE, nonce)));
        byte[] raw = StunCodec.encode(request(attrs), TurnCredentials.longTermKey(username, realm, password), false);
        return authenticator.authenticate(StunCodec.decode(raw, 0, raw.length), raw, raw.length);
    }

    private static StunMessage request(List<StunAttribute> attrs) {
        byte[] txId = new byte[12];
        ThreadLocalRandom.current().nextBytes(txId);
        return new StunMessage(Stun.messageType(Stun.ALLOCATE, Stun.CLASS_REQUEST), txId, attrs);
    }

    private static StunMessage rejection(AuthResult result) throws Exception {
        byte[] response = assertInstanceOf(AuthResult.Rejected.class, result).response();
        return StunCodec.decode(response, 0, response.length);
    }

    private static int errorCode(StunMessage m) {
        return m.attribute(Stun.ATTR_ERROR_CODE).asErrorCode();
    }
}
