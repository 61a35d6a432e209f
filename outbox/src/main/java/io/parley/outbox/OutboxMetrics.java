package io.parley.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox's metrics: {@value #BACKLOG} (rows waiting in the table, the same for every instance on that
 * database: take the maximum, not the sum) and {@value #PUBLISHED} (records Kafka acknowledged). Both are registered at start, so
 * a query finds a 0 before the first event; each service publishes its own topics, so no topic label is needed.
 */
final class OutboxMetrics {

    /** Prometheus: {@code parley_outbox_backlog}. */
    static final String BACKLOG = "parley.outbox.backlog";
    /** Prometheus: {@code parley_outbox_published_total}. */
    static final String PUBLISHED = "parley.outbox.published";

    private final AtomicLong backlog = new AtomicLong();
    private final Counter published;

    OutboxMetrics(MeterRegistry registry) {
        this.published = Counter.builder(PUBLISHED).description("outbox records Kafka acknowledged").register(registry);
        Gauge.builder(BACKLOG, backlog, AtomicLong::get)
                .description("outbox rows waiting to be published to Kafka (counted at every sweep and round)")
                .register(registry);
    }

    void backlog(long rows) {
        backlog.set(rows);
    }

    void published() {
        published.increment();
    }
}
