package io.parley.kafka.view;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.kafka.client.KafkaClientSettings;
import io.parley.kafka.topic.TopicCreator;
import io.parley.kafka.topic.TopicSpec;
import io.parley.stack.KafkaBroker;
import io.parley.stack.Ports;
import io.parley.testsupport.SharedInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A view waits out a broker that is away, reports it, and serves the topic once the broker is back. */
class CompactedTopicViewIT {

    private static final Duration BROKER_START = Duration.ofSeconds(120);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aViewStartedWhileKafkaIsAwayIsDownThenServesTheTopicOnceKafkaIsBack() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "view-broker-");
        int port = Ports.free();
        int controllerPort = Ports.free();
        String bootstrap = "127.0.0.1:" + port;
        String topic = "view-test-" + UUID.randomUUID();

        // What an earlier run left on the topic; then the broker goes away.
        try (KafkaBroker broker = start(dir, port, controllerPort)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicCreator.ensure(admin, TopicSpec.compacted(topic, 3), (short) 1, TIMEOUT);
            }
            send(bootstrap, topic, "alice", "v1", "bob", "v1", "alice", "v2", "carol", "v1", "carol", null);
        }

        try (CompactedTopicView<String> view = new CompactedTopicView<>(settings(bootstrap), topic, "view-test",
                value -> value)) {
            view.start();
            await().atMost(TIMEOUT).until(() -> view.status().reason().contains("does not answer"));
            assertFalse(view.status().ready());
            assertFalse(view.caughtUp());

            try (KafkaBroker broker = start(dir, port, controllerPort)) {
                await().atMost(TIMEOUT).until(() -> view.status().ready());
                assertTrue(view.caughtUp());
                assertEquals("v2", view.get("alice"));
                assertEquals("v1", view.get("bob"));
                assertNull(view.get("carol"), "a tombstone deletes the key");
                assertEquals(2, view.size());

                send(bootstrap, topic, "dave", "v1");
                await().atMost(TIMEOUT).until(() -> "v1".equals(view.get("dave")));
            }

            // Away again: the view keeps what it read and says it is not up to date.
            await().atMost(TIMEOUT).until(() -> !view.status().ready());
            assertTrue(view.status().reason().contains("does not answer"), view.status().reason());
            assertEquals("v2", view.get("alice"));
        }
    }

    @Test
    void aTopicThatDoesNotExistYetIsEmptyAndReadOnceItAppears() {
        String bootstrap = SharedInfrastructure.kafka().bootstrapServers();
        String topic = "view-later-" + UUID.randomUUID();
        try (CompactedTopicView<String> view = new CompactedTopicView<>(settings(bootstrap), topic, "view-test",
                value -> value)) {
            view.start();
            await().atMost(TIMEOUT).until(() -> view.status().ready());
            assertEquals("topic does not exist yet", view.status().reason());
            assertEquals(0, view.size());

            send(bootstrap, topic, "erin", "v1");
            await().atMost(TIMEOUT).until(() -> "v1".equals(view.get("erin")));
            assertTrue(view.status().ready());
        }
    }

    @Test
    void anUnparseableRecordIsSkipped() {
        String bootstrap = SharedInfrastructure.kafka().bootstrapServers();
        String topic = "view-unparseable-" + UUID.randomUUID();
        send(bootstrap, topic, "frank", "not a number", "gina", "7");
        try (CompactedTopicView<Integer> view = new CompactedTopicView<>(settings(bootstrap), topic, "view-test",
                Integer::valueOf)) {
            view.start();
            await().atMost(TIMEOUT).until(() -> view.caughtUp() && view.size() == 1);
            assertEquals(7, view.get("gina"));
        }
    }

    private static KafkaClientSettings settings(String bootstrap) {
        return new KafkaClientSettings(Map.of("bootstrap.servers", bootstrap));
    }

    private static KafkaBroker start(Path dir, int port, int controllerPort) {
        return KafkaBroker.start(dir, port, controllerPort, dir.resolve("kafka.log"), null).awaitReady(BROKER_START);
    }

    /** Sends key/value pairs in order; a null value is a tombstone. */
    private static void send(String bootstrap, String topic, String... keysAndValues) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < keysAndValues.length; i += 2) {
                producer.send(new ProducerRecord<>(topic, keysAndValues[i], keysAndValues[i + 1])).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
