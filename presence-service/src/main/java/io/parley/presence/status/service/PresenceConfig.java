package io.parley.presence.status.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of live presence ({@code parley.presence.*}). */
@ConfigMapping(prefix = "parley.presence")
public interface PresenceConfig {

    /** How long a user stays online after their last presence socket closed. */
    @WithDefault("10s")
    Duration offlineGrace();
}
