package io.parley.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the outbox ({@code parley.outbox.*}); the defaults suit every service. */
@ConfigMapping(prefix = "parley.outbox")
public interface OutboxConfig {

    /**
     * How often the sweeper sends what was not sent right after its commit (Kafka away, gate closed, instance
     * stopped in between) and refreshes the backlog metric; {@code off} disables it (tests that drive it).
     */
    @WithDefault("1s")
    String sweepInterval();

    /** The most rows one round claims, and the most it sends. */
    @WithDefault("500")
    int batchSize();

    /**
     * How long Kafka may take to take a record: to be found while unreachable, and to acknowledge it. A round
     * waits for every answer, so this bounds how long a round holds its rows.
     */
    @WithDefault("15s")
    Duration kafkaTimeout();
}
