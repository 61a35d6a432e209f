package io.parley.admin.turn.service;

import io.parley.admin.turn.config.TurnConfig;
import io.parley.common.turn.TurnCredentials;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.List;

/**
 * Mints per-user credentials for Parley's TURN relay, exactly as media-service's relay checks them (the shared
 * {@link TurnCredentials}, the same {@code parley.turn.shared-secret}). The secret never leaves this class.
 */
@ApplicationScoped
public class TurnCredentialIssuer {

    private final TurnCredentials credentials;
    private final TurnConfig config;

    public TurnCredentialIssuer(TurnConfig config) {
        this.config = config;
        this.credentials = new TurnCredentials(config.sharedSecret(), Clock.systemUTC());
    }

    void warnAboutDemoSecret(@Observes StartupEvent event) {
        List<String> profiles = ConfigUtils.getProfiles();
        if (TurnCredentials.DEMO_SHARED_SECRET.equals(config.sharedSecret())
                && !profiles.contains("dev") && !profiles.contains("test")) {
            Log.warn("TURN credentials are minted with the demo shared secret, which is public: anyone can mint "
                    + "credentials for the relay. Set PARLEY_TURN_SHARED_SECRET (parley.turn.shared-secret) to the "
                    + "relay's secret outside local demos.");
        }
    }

    /**
     * Credentials for {@code userId} valid for {@code parley.turn.credential-ttl}.
     *
     * @throws IllegalArgumentException when the id cannot be encoded (empty or containing ':')
     */
    public TurnCredentials.Minted mint(String userId) {
        return credentials.mint(userId, config.credentialTtl());
    }
}
