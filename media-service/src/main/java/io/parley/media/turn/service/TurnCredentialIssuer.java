package io.parley.media.turn.service;

import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;
import io.parley.common.turn.TurnCredentials;
import io.parley.media.turn.TurnServer;
import io.parley.media.turn.config.TurnConfig;
import jakarta.inject.Singleton;
import java.util.List;

/** Mints short-lived credentials for the running relay and names the URIs clients reach it at. */
@Singleton
public class TurnCredentialIssuer {

    private final TurnRelay relay;
    private final TurnConfig config;

    public TurnCredentialIssuer(TurnRelay relay, TurnConfig config) {
        this.relay = relay;
        this.config = config;
    }

    /**
     * Credentials for {@code userId}, valid for {@code parley.turn.credential-ttl}.
     *
     * @throws ApiException 503 when the relay is disabled or down, 400 when the user id cannot be used
     */
    public IssuedTurnCredentials issue(String userId) {
        TurnServer server = relay.running().orElseThrow(() -> new ApiException(ErrorCode.TURN_RELAY_UNAVAILABLE,
                relay.enabled() ? "the TURN relay is not running" : "this service does not run a TURN relay"));
        // The coturn username format separates expiry and user id with ':', so an id holding one cannot be encoded.
        if (userId == null || userId.isEmpty() || userId.indexOf(':') >= 0) {
            throw new ApiException(ErrorCode.TURN_USER_ID_UNSUPPORTED,
                    "the token subject cannot be used as a TURN user id (empty or containing ':')");
        }
        TurnCredentials.Minted minted = server.credentials().mint(userId, config.credentialTtl());
        String host = hostForUri(config.publicHost());
        return new IssuedTurnCredentials(minted.username(), minted.password(), config.credentialTtl().toSeconds(),
                minted.expiresAt(), List.of(
                        "turn:" + host + ":" + server.udpPort() + "?transport=udp",
                        "turn:" + host + ":" + server.tcpPort() + "?transport=tcp"));
    }

    /** IPv6 literals need brackets in a URI (RFC 7065 follows RFC 3986 here). */
    private static String hostForUri(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
