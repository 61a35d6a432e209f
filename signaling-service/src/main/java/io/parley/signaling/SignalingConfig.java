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

    /** How long an established call's media may take to come back after a party reported it reconnecting. */
    @WithDefault("15s")
    Duration mediaRecoveryTimeout();

    /** How long a session whose socket closed (or whose instance died) keeps its calls, waiting to be resumed. */
    @WithDefault("20s")
    Duration resumeGrace();

    /** How long a hold or resume waits for the other party to confirm it before it fails as TIMEOUT. */
    @WithDefault("10s")
    Duration holdTimeout();

    /** How long an instance may miss its heartbeats before the others detach its sessions. */
    @WithDefault("5s")
    Duration instanceTimeout();

    /** At shutdown, how long to wait for this instance's clients to move to another after {@code reconnect}. */
    @WithDefault("10s")
    Duration drainTimeout();

    /**
     * How often overdue calls (ring, negotiation and media deadlines, vanished parties) are looked for and this
     * instance's heartbeat is recorded; the outbox has its own sweeper.
     */
    @WithDefault("1s")
    Duration sweepInterval();

    /** This instance's id, unique per start: names its relay consumer group. */
    String instanceId();

    /** Call providers enabled until the admin service has published its settings ({@code parley.settings}). */
    @WithDefault("webrtc")
    java.util.List<String> providers();
}
