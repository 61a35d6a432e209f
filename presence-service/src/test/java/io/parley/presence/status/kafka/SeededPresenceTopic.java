package io.parley.presence.status.kafka;

import io.parley.event.Topics;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Leaves on the broker, before the service starts, what an earlier run of it would have left on
 * {@code parley.presence} (the latest presence of three users, as a service that stopped or crashed
 * would), and a {@code parley.users} that someone created without compaction.
 */
public final class SeededPresenceTopic implements QuarkusTestResourceLifecycleManager {

    /** Was online with DND chosen when the earlier run stopped. */
    public static final String DND_USER = "restore-dora";
    /** Was online, no choice, when the earlier run stopped; has no page now. */
    public static final String ONLINE_USER = "restore-erin";
    /** Was offline with AWAY chosen. */
    public static final String OFFLINE_AWAY_USER = "restore-olga";

    @Override
    public Map<String, String> start() {
        String bootstrap = SharedInfrastructure.kafka().bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            create(admin, Topics.PRESENCE, TopicConfig.CLEANUP_POLICY_COMPACT);
            // As a broker that auto-creates topics would have made it on someone's first write.
            create(admin, Topics.USERS, TopicConfig.CLEANUP_POLICY_DELETE);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                new StringSerializer())) {
            send(producer, ONLINE_USER, "AVAILABLE", "AWAY");
            send(producer, DND_USER, "DND", "DND");
            send(producer, OFFLINE_AWAY_USER, "OFFLINE", "AWAY");
            // The latest record per user is what counts: erin's AWAY choice above is superseded.
            send(producer, ONLINE_USER, "AVAILABLE", null);
            producer.flush();
        }
        return Map.of();
    }

    private static void create(Admin admin, String topic, String cleanupPolicy) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(e);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(KafkaProducer<String, String> producer, String username, String status, String manual) {
        String userId = TestOidcIssuer.subjectOf(username);
        String json = "{\"eventId\":\"" + UUID.randomUUID() + "\",\"occurredAt\":\"" + Instant.now()
                + "\",\"userId\":\"" + userId + "\",\"status\":\"" + status + "\""
                + (manual == null ? "" : ",\"manualStatus\":\"" + manual + "\"") + "}";
        try {
            producer.send(new ProducerRecord<>(Topics.PRESENCE, userId, json)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        // The records stay: the shared broker lives as long as the test JVM.
    }
}
