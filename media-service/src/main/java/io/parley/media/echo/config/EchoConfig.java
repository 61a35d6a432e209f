package io.parley.media.echo.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the echo test call ({@code parley.echo.*}); every default works with {@code ./parley up}, production
 * values come from the environment ({@code PARLEY_ECHO_MAX_SESSIONS}...).
 */
@ConfigMapping(prefix = "parley.echo")
public interface EchoConfig {

    /** Whether the service answers echo test calls; when false {@code POST /api/media/echo} answers 503. */
    @WithDefault("true")
    boolean enabled();

    /** How long one echo test call may last before the server ends it ({@code TIME_LIMIT}). */
    @WithDefault("60s")
    Duration maxDuration();

    /**
     * Echo test calls running at once; beyond it a caller gets 503 {@code ECHO_BUSY}. Unset: {@link #sessionsPerCore()}
     * times the processors the JVM sees (each call decodes and re-encodes the caller's video).
     */
    Optional<Integer> maxSessions();

    /** Echo test calls per processor when {@link #maxSessions()} is unset. */
    @WithDefault("4")
    int sessionsPerCore();

    /** A call whose media has not connected by then ends as {@code FAILED}. */
    @WithDefault("20s")
    Duration connectTimeout();

    /** How long an ended call's final report stays readable. */
    @WithDefault("5m")
    Duration retainEnded();

    /** Longest wait for the server's ICE candidates before the answer is sent with those gathered so far. */
    @WithDefault("5s")
    Duration gatheringTimeout();

    /** First UDP port for the server's ICE candidates (with {@link #udpPortMax()}); unset: any ephemeral port. */
    Optional<Integer> udpPortMin();

    /** Last UDP port for the server's ICE candidates (inclusive). */
    Optional<Integer> udpPortMax();

    /** Where the server peers run. */
    enum Isolation {
        /**
         * In echo worker processes (child JVMs) that media-service starts: a crash in the native library ends only
         * the calls of that worker, and a worker is replaced after {@link #callsPerWorker()} calls, which gives back
         * the native memory webrtc-java 0.14.0 never frees after a call.
         */
        PROCESS,
        /** In the service's own JVM: no extra process, but native memory grows with every call until a restart. */
        IN_PROCESS
    }

    /** {@code process} (default) or {@code in-process}. */
    @WithDefault("process")
    Isolation isolation();

    /** Calls a worker answers before a fresh one takes the next; it exits once its last call has ended. */
    @WithDefault("50")
    int callsPerWorker();

    /** JVM options of each worker process (its Java heap holds little: frames stay in native memory). */
    @WithDefault("-XX:TieredStopAtLevel=1 -Xms8m -Xmx64m -Xss512k -XX:+UseSerialGC -XX:ReservedCodeCacheSize=32m")
    String workerJavaOptions();

    /** Longest wait for a worker to load the native library and report ready. */
    @WithDefault("30s")
    Duration workerStartTimeout();

    /** The effective limit on concurrent calls. */
    default int effectiveMaxSessions() {
        return maxSessions().orElse(sessionsPerCore() * Runtime.getRuntime().availableProcessors());
    }
}
