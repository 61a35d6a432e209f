package io.parley.presence.directory.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Settings of the directory ({@code parley.directory.*}): where Keycloak is and how this service signs
 * in to its admin API. The values are set in application.properties, because the OIDC client and REST
 * client settings there refer to them.
 */
@ConfigMapping(prefix = "parley.directory")
public interface DirectoryConfig {

    /** Keycloak's base URL (default {@code http://localhost:8180}). */
    String keycloakUrl();

    /** The realm whose users make the directory (default {@code parley}). */
    String realm();

    /** Client whose service account reads the users (default {@code parley-presence}). */
    String clientId();

    /** That client's secret (default: the demo realm's, demo-only). */
    String clientSecret();

    /** How often every user is read again and changed profiles published (default 5m). */
    Duration syncInterval();

    /** Users per admin API page during a sync. */
    @WithDefault("100")
    int syncPageSize();
}
