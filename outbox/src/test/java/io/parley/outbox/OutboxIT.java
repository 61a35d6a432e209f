package io.parley.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.SharedInfrastructure;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox against the real test PostgreSQL and Kafka, with several instances on one database: this app's bean
 * and instances the tests make (each with its own producer and metrics), some of them behind a {@link KafkaDoor}
 * that keeps Kafka away until it opens. The sweeper is off here: the tests run it on the instance they choose.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "outbox"))
class OutboxIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** How long an instance behind a closed door looks for Kafka before its round gives up. */
    private static final Duration AWAY_TIMEOUT = Duration.ofSeconds(3);

    @Inject
    Outbox outbox;

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    @Inject
    ObjectMapper json;

    @Inject
    DataSource database;

    private final List<Outbox> instances = new ArrayList<>();

    @AfterEach
    void closeInstances() {
        instances.forEach(Outbox::close);
        instances.clear();
    }

    @Test
    void eventsOfOneKeyKeepTheirOrderWhenKafkaWasAwayForTheFirstOnes() {
        String topic = topic();
        String key = "call-" + UUID.randomUUID();
        long publishedBefore = published(registry);
        try (KafkaDoor door = new KafkaDoor(SharedInfrastructure.kafka().bootstrapServers())) {
            Outbox away = instance("away", door.address(), AWAY_TIMEOUT, new SimpleMeterRegistry());

            String first = commit(away, topic, key);
            CompletionStage<Void> awayRound = away.drain();
            await().atMost(TIMEOUT).until(() -> heldByARound(first));
            // A request on this app's instance commits the key's next event and publishes it after the commit.
            String second = commit(outbox, topic, key);
            join(outbox.drain());
            assertEquals(publishedBefore, published(registry), "nothing overtook the key's oldest event, held by a round");
            assertEquals(List.of(first, second), waiting(topic));

            join(awayRound);
            assertEquals(List.of(first, second), waiting(topic), "the round that found no Kafka kept both rows");
            String third = commit(away, topic, key);
            away.publish();

            door.open();
            String fourth = commit(outbox, topic, key);
            // The request's publish-after-commit and the other instance's sweeper race for the key.
            outbox.publish();
            CompletionStage<Void> sweeping = sweep(away);
            await().atMost(TIMEOUT).until(() -> {
                join(outbox.drain());
                join(away.drain());
                return waiting(topic).isEmpty();
            });
            join(sweeping);
            assertEquals(Map.of(key, List.of(first, second, third, fourth)), TopicContent.valuesByKey(topic));
        }
    }

    @Test
    void twoInstancesNeverPublishTheSameRowAtOnce() {
        String topic = topic();
        List<String> keys = IntStream.range(0, 20).mapToObj(i -> "key-" + i).toList();
        long publishedBefore = published(registry);
        // Ten transactions, each adding the next event of every key.
        List<List<String>> layers = IntStream.range(0, 10).mapToObj(i -> commitOnePerKey(outbox, topic, keys)).toList();
        SimpleMeterRegistry metricsA = new SimpleMeterRegistry();
        SimpleMeterRegistry metricsB = new SimpleMeterRegistry();
        String kafka = SharedInfrastructure.kafka().bootstrapServers();
        Outbox a = instance("a", kafka, Duration.ofSeconds(10), metricsA);
        Outbox b = instance("b", kafka, Duration.ofSeconds(10), metricsB);

        // Three instances sweep the same rows at once, each claiming five keys a round.
        await().atMost(TIMEOUT).until(() -> {
            List<CompletionStage<Void>> sweeps = List.of(a.drain(), b.drain(), outbox.drain());
            sweeps.forEach(OutboxIT::join);
            return waiting(topic).isEmpty();
        });

        Map<String, List<String>> onKafka = TopicContent.valuesByKey(topic);
        for (int k = 0; k < keys.size(); k++) {
            int key = k;
            assertEquals(layers.stream().map(layer -> layer.get(key)).toList(), onKafka.get(keys.get(k)),
                    "every event of " + keys.get(k) + " once, in order");
        }
        long byA = published(metricsA);
        long byB = published(metricsB);
        long byThisApp = published(registry) - publishedBefore;
        assertEquals(200, byA + byB + byThisApp);
        assertTrue(List.of(byA, byB, byThisApp).stream().filter(n -> n > 0).count() >= 2,
                "the instances shared the work: " + byA + ", " + byB + ", " + byThisApp);
    }

    @Test
    void theBacklogRisesWhileKafkaIsAwayAndFallsBackToZeroOnceItIsBack() {
        String topic = topic();
        try (KafkaDoor door = new KafkaDoor(SharedInfrastructure.kafka().bootstrapServers())) {
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            Outbox away = instance("away", door.address(), AWAY_TIMEOUT, metrics);
            assertEquals(0, backlog(metrics));

            List<String> events = List.of(commit(away, topic, "x"), commit(away, topic, "y"), commit(away, topic, "x"));
            away.publish();
            join(sweep(away));
            assertEquals(3, backlog(metrics), "rows waiting while Kafka is away");
            assertEquals(0, published(metrics));

            door.open();
            await().atMost(TIMEOUT).until(() -> {
                join(sweep(away));
                return backlog(metrics) == 0;
            });
            assertEquals(3, published(metrics));
            assertEquals(Map.of("x", List.of(events.get(0), events.get(2)), "y", List.of(events.get(1))),
                    TopicContent.valuesByKey(topic));
        }
    }

    @Test
    void aClosedGateHoldsItsTopicInOrderWithoutHoldingOthers() {
        String held = topic();
        String other = topic();
        AtomicBoolean ready = new AtomicBoolean();
        Outbox gated = instance("gated", SharedInfrastructure.kafka().bootstrapServers(), Duration.ofSeconds(10),
                new SimpleMeterRegistry(), topic -> !topic.equals(held) || ready.get());

        String v1 = commit(gated, held, "settings");
        // More held keys than a round claims (five): they must not fill every round and starve the other topic.
        List<String> moreHeld = IntStream.range(0, 6).mapToObj(i -> commit(gated, held, "key-" + i)).toList();
        String o1 = commit(gated, other, "k");
        String v2 = commit(gated, held, "settings");
        join(gated.drain());
        assertEquals(7 + 1, waiting(held).size());
        assertEquals(v1, waiting(held).get(0));
        assertTrue(waiting(other).isEmpty());
        assertEquals(Map.of("k", List.of(o1)), TopicContent.valuesByKey(other));

        ready.set(true);
        await().atMost(TIMEOUT).until(() -> {
            join(gated.drain());
            return waiting(held).isEmpty();
        });
        Map<String, List<String>> onKafka = TopicContent.valuesByKey(held);
        assertEquals(List.of(v1, v2), onKafka.get("settings"));
        IntStream.range(0, 6).forEach(i -> assertEquals(List.of(moreHeld.get(i)), onKafka.get("key-" + i)));
    }

    // ---- helpers

    private Outbox instance(String name, String kafka, Duration kafkaTimeout, MeterRegistry metrics, OutboxGate... gates) {
        OutboxConfig config = new OutboxConfig() {
            @Override
            public String sweepInterval() {
                return "off";
            }

            @Override
            public int batchSize() {
                return 5;
            }

            @Override
            public Duration kafkaTimeout() {
                return kafkaTimeout;
            }
        };
        Outbox instance = new Outbox(config, new KafkaSender(Map.of("bootstrap.servers", kafka), kafkaTimeout,
                "outbox-test-" + name), List.of(gates), metrics, vertx, json);
        instances.add(instance);
        return instance;
    }

    private static String topic() {
        return "outbox-test-" + UUID.randomUUID();
    }

    /** Adds one event in a transaction of its own; the payload is the event id. */
    private static String commit(Outbox instance, String topic, String key) {
        String id = UUID.randomUUID().toString();
        onContext(() -> Panache.withTransaction(() -> instance.add(topic, key, id, id)));
        return id;
    }

    private static List<String> commitOnePerKey(Outbox instance, String topic, List<String> keys) {
        List<String> ids = keys.stream().map(k -> UUID.randomUUID().toString()).toList();
        onContext(() -> Panache.withTransaction(() -> Multi.createFrom().range(0, keys.size())
                .onItem().transformToUniAndConcatenate(i -> instance.add(topic, keys.get(i), ids.get(i), ids.get(i)))
                .collect().last()));
        return ids;
    }

    /** Runs the instance's sweeper on a Vert.x context, as its schedule would; completes when it is done. */
    private static CompletionStage<Void> sweep(Outbox instance) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        VertxContextSupport.subscribe(() -> instance.sweep().toMulti(), subscribe -> subscribe.with(
                item -> {
                }, done::completeExceptionally, () -> done.complete(null)));
        return done;
    }

    private static <T> T onContext(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static void join(CompletionStage<Void> stage) {
        try {
            stage.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ids of the topic's rows still in the outbox, oldest first. */
    private List<String> waiting(String topic) {
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement("select id from outbox where topic = ? order by seq")) {
            query.setString(1, topic);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a round holds the row (its lock), as the claim of another instance would find. */
    private boolean heldByARound(String eventId) throws SQLException {
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement query = connection.prepareStatement(
                    "select id from outbox where id = ?::uuid for update skip locked")) {
                query.setString(1, eventId);
                try (ResultSet rows = query.executeQuery()) {
                    return !rows.next();
                }
            } finally {
                connection.rollback();
            }
        }
    }

    private static long published(MeterRegistry metrics) {
        Counter counter = metrics.find(OutboxMetrics.PUBLISHED).counter();
        return counter == null ? 0 : (long) counter.count();
    }

    private static long backlog(MeterRegistry metrics) {
        return (long) metrics.get(OutboxMetrics.BACKLOG).gauge().value();
    }
}
