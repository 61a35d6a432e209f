package io.parley.presence.directory.client;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@code parley-presence} service account's access token (client-credentials grant), reused until
 * shortly before it expires.
 */
@ApplicationScoped
public class ServiceAccountToken {

    /** Renew this early so a token never expires between being handed out and reaching Keycloak. */
    private static final long RENEW_BEFORE_SECONDS = 30;
    /** When Keycloak gives no expiry, assume a short life rather than keeping a token forever. */
    private static final long ASSUMED_LIFETIME_SECONDS = 60;

    private final OidcClient oidc;
    private volatile Held held;

    private record Held(String authorization, long renewAtEpochSecond) {
    }

    public ServiceAccountToken(OidcClient oidc) {
        this.oidc = oidc;
    }

    /** The {@code Authorization} header value: {@code Bearer <token>}. */
    public Uni<String> authorization() {
        Held current = held;
        if (current != null && now() < current.renewAtEpochSecond()) {
            return Uni.createFrom().item(current.authorization());
        }
        return oidc.getTokens().map(this::hold);
    }

    /** Drops the held token, e.g. after Keycloak refused it. */
    public void forget() {
        held = null;
    }

    private String hold(Tokens tokens) {
        Long expiresAt = tokens.getAccessTokenExpiresAt();
        long renewAt = expiresAt == null ? now() + ASSUMED_LIFETIME_SECONDS : expiresAt - RENEW_BEFORE_SECONDS;
        Held fresh = new Held("Bearer " + tokens.getAccessToken(), renewAt);
        held = fresh;
        return fresh.authorization();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
