package io.parley.admin.turn.config;

import io.parley.common.turn.TurnCredentials;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How the admin service mints credentials for Parley's TURN relay ({@code parley.turn.*}): the same keys and
 * defaults as media-service's relay, so credentials handed out here are accepted there out of the box.
 */
@ConfigMapping(prefix = "parley.turn")
public interface TurnConfig {

    /** Secret shared with the relay (coturn's static-auth-secret); never sent to anyone. */
    @WithDefault(TurnCredentials.DEMO_SHARED_SECRET)
    String sharedSecret();

    /** How long minted credentials stay valid; clients fetch their configuration again before that. */
    @WithDefault("12h")
    Duration credentialTtl();
}
