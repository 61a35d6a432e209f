package io.parley.signaling;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the signaling service ({@code parley.signaling.*}). */
@ConfigMapping(prefix = "parley.signaling")
public interface SignalingConfig {

    /** How long a call rings before it ends as NO_ANSWER. */
    @WithDefault("45s")
    Duration ringTimeout();

    /** How long an answered call may take to establish media before it ends as FAILED. */
    @WithDefault("30s")
    Duration negotiationTimeout();

    /** How often overdue calls and unpublished outbox events are looked for. */
    @WithDefault("1s")
    Duration sweepInterval();

    /** This instance's id, unique per start: names its relay consumer group. */
    String instanceId();

    /** Call providers enabled until the admin service has published its settings ({@code parley.settings}). */
    @WithDefault("webrtc")
    java.util.List<String> providers();
}
