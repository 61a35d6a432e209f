package io.parley.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.testsupport.PrometheusMetrics;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.PostgresResource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** With its schedule on, the sweeper sends what nobody published after the commit, and Prometheus shows the metrics. */
@QuarkusTest
@TestProfile(OutboxSweeperScheduleIT.SweeperOn.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "outbox"))
class OutboxSweeperScheduleIT {

    /** The sweeper every 200 ms. */
    public static class SweeperOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.outbox.sweep-interval", "200ms");
        }
    }

    @Inject
    Outbox outbox;

    @Test
    void eventsNobodyPublishedAreSentByTheSweeperAndCounted() throws Throwable {
        String topic = "outbox-test-" + UUID.randomUUID();
        List<String> ids = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        double publishedBefore = PrometheusMetrics.value("parley_outbox_published_total");
        // Committed, and publish() never called: as if the instance stopped right after the commit.
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> outbox.add(topic, "k", ids.get(0), ids.get(0))
                .chain(() -> outbox.add(topic, "k", ids.get(1), ids.get(1)))));

        await().atMost(Duration.ofSeconds(30)).until(() -> PrometheusMetrics.value("parley_outbox_published_total") == publishedBefore + 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> PrometheusMetrics.value("parley_outbox_backlog") == 0);
        assertEquals(Map.of("k", ids), TopicContent.valuesByKey(topic));
    }
}
