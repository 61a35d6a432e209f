package io.parley.kafka.topic;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Topics come out of a real broker as TopicSpecs (and so docs/events.md) describes them. */
class TopicCreatorIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static Admin admin;

    @BeforeAll
    static void connect() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafka().bootstrapServers()));
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    @Test
    void everyParleyTopicIsCreatedWithItsPartitionsCleanupAndRetention() throws Exception {
        for (TopicSpec spec : TopicSpecs.ALL) {
            TopicCreator.ensure(admin, spec, (short) 1, TIMEOUT);
        }
        for (TopicSpec spec : TopicSpecs.ALL) {
            assertEquals(spec.partitions(), partitions(spec.name()), spec.name());
            Config config = config(spec.name());
            assertEquals(spec.compacted() ? "compact" : "delete", config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(),
                    spec.name());
            if (!spec.compacted()) {
                assertEquals(Long.toString(spec.retention().toMillis()), config.get(TopicConfig.RETENTION_MS_CONFIG).value(),
                        spec.name());
            }
            assertEquals(1, describe(spec.name()).partitions().get(0).replicas().size(), spec.name());
        }
        // Safe to repeat, as every instance does at start.
        TopicCreator.ensure(admin, TopicSpecs.SETTINGS, (short) 1, TIMEOUT);
    }

    @Test
    void aTopicSomeoneElseCreatedGetsTheSpecifiedCleanupButKeepsItsPartitions() throws Exception {
        String name = "test-existing-" + UUID.randomUUID();
        // As a broker that auto-creates topics would make it on a first write: time-based, default partitions.
        admin.createTopics(List.of(new NewTopic(name, Optional.of(2), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE))))
                .all().get(30, TimeUnit.SECONDS);

        TopicCreator.ensure(admin, TopicSpec.compacted(name, 3), (short) 1, TIMEOUT);

        assertEquals("compact", config(name).get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        assertEquals(2, partitions(name), "moving keys to other partitions would break compaction");

        TopicCreator.ensure(admin, TopicSpec.timeRetained(name, 2, Duration.ofHours(2)), (short) 1, TIMEOUT);
        assertEquals("delete", config(name).get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        assertEquals("7200000", config(name).get(TopicConfig.RETENTION_MS_CONFIG).value());
    }

    /** A topic just created may take a moment to be known to every part of the broker. */
    private static TopicDescription describe(String topic) {
        return await().atMost(TIMEOUT).ignoreExceptions().until(
                () -> admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic), d -> true);
    }

    private static int partitions(String topic) {
        return describe(topic).partitions().size();
    }

    private static Config config(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return await().atMost(TIMEOUT).ignoreExceptions().until(
                () -> admin.describeConfigs(List.of(resource)).all().get(5, TimeUnit.SECONDS).get(resource), c -> true);
    }
}
