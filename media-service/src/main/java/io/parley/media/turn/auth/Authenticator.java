package io.parley.media.turn.auth;

import io.parley.common.turn.TurnCredentials;
import io.parley.media.turn.Stun;
import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.StunCodec;
import io.parley.media.turn.StunMessage;
import io.parley.media.turn.StunResponses;
import io.parley.media.turn.TurnMetrics;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.TurnServerConfig;
import java.time.Clock;
import java.util.List;

/**
 * Checks a request's long-term credentials (RFC 8489 9.2), derived from the ephemeral TURN secret, with a server
 * nonce and MESSAGE-INTEGRITY; answers with a challenge when they are missing, stale or wrong.
 */
public final class Authenticator {
    private final TurnServerConfig config;
    private final TurnMetrics metrics;
    private final TurnCredentials credentials;
    private final NonceManager nonces;

    public Authenticator(TurnServerConfig config, TurnMetrics metrics, Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.credentials = new TurnCredentials(config.sharedSecret(), clock);
        this.nonces = new NonceManager(clock, config.nonceLifetime());
    }

    public TurnCredentials credentials() {
        return credentials;
    }

    /** Checks {@code req}, whose encoding is {@code raw[0, len)}, for a valid username, realm, nonce and integrity. */
    public AuthResult authenticate(StunMessage req, byte[] raw, int len) {
        StunAttribute mi = req.attribute(Stun.ATTR_MESSAGE_INTEGRITY);
        if (mi == null) {
            return challenge(req, Stun.ERR_UNAUTHORIZED);
        }
        StunAttribute user = req.attribute(Stun.ATTR_USERNAME);
        StunAttribute realm = req.attribute(Stun.ATTR_REALM);
        StunAttribute nonce = req.attribute(Stun.ATTR_NONCE);
        if (user == null || realm == null || nonce == null) {
            metrics.refused(Refusal.BAD_REQUEST);
            return new AuthResult.Rejected(StunResponses.error(req, Stun.ERR_BAD_REQUEST, null, List.of()));
        }
        if (nonces.check(nonce.asString()) != NonceManager.Status.VALID) {
            return challenge(req, Stun.ERR_STALE_NONCE);
        }
        String username = user.asString();
        TurnCredentials.Verification v = credentials.check(username);
        if (!v.valid() || !config.realm().equals(realm.asString())) {
            metrics.authFailure();
            return challenge(req, Stun.ERR_UNAUTHORIZED);
        }
        byte[] key = TurnCredentials.longTermKey(username, config.realm(), credentials.passwordFor(username));
        if (!StunCodec.verifyIntegrity(raw, 0, len, key)) {
            metrics.authFailure();
            return challenge(req, Stun.ERR_UNAUTHORIZED);
        }
        return new AuthResult.Authenticated(username, v.userId(), key);
    }

    /** An unsigned error carrying the realm and a fresh nonce, which the client retries with. */
    private AuthResult challenge(StunMessage req, int code) {
        return new AuthResult.Rejected(StunResponses.error(req, code, null, List.of(
                StunAttribute.string(Stun.ATTR_REALM, config.realm()), StunAttribute.string(Stun.ATTR_NONCE, nonces.issue()))));
    }
}
