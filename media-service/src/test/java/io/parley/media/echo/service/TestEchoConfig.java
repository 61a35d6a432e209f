package io.parley.media.echo.service;

import io.parley.media.echo.config.EchoConfig;
import java.time.Duration;
import java.util.Optional;

/** {@link EchoConfig} with the service's defaults, for tests that build {@link EchoSessions} themselves. */
record TestEchoConfig(boolean enabled, int maxSessionsAtOnce, Isolation isolation, int callsPerWorker,
        String workerJavaOptions) implements EchoConfig {

    static final String WORKER_JAVA_OPTIONS =
            "-XX:TieredStopAtLevel=1 -Xms8m -Xmx64m -Xss512k -XX:+UseSerialGC -XX:ReservedCodeCacheSize=32m";

    static TestEchoConfig inWorkers(int maxSessions, int callsPerWorker) {
        return new TestEchoConfig(true, maxSessions, Isolation.PROCESS, callsPerWorker, WORKER_JAVA_OPTIONS);
    }

    @Override
    public Duration maxDuration() {
        return Duration.ofSeconds(60);
    }

    @Override
    public Optional<Integer> maxSessions() {
        return Optional.of(maxSessionsAtOnce);
    }

    @Override
    public int sessionsPerCore() {
        return 4;
    }

    @Override
    public Duration connectTimeout() {
        return Duration.ofSeconds(20);
    }

    @Override
    public Duration retainEnded() {
        return Duration.ofMinutes(5);
    }

    @Override
    public Duration gatheringTimeout() {
        return Duration.ofSeconds(5);
    }

    @Override
    public Optional<Integer> udpPortMin() {
        return Optional.empty();
    }

    @Override
    public Optional<Integer> udpPortMax() {
        return Optional.empty();
    }

    @Override
    public Duration workerStartTimeout() {
        return Duration.ofSeconds(30);
    }
}
