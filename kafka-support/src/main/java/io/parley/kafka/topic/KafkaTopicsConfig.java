package io.parley.kafka.topic;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/** Which Parley topics this service creates, and how many copies of them the cluster keeps. */
@ConfigMapping(prefix = "parley.kafka")
public interface KafkaTopicsConfig {

    /**
     * Names of the topics this service produces and therefore creates at start, as {@link TopicSpecs}
     * describes them (e.g. {@code parley.presence,parley.users}); none by default.
     */
    Optional<List<String>> ownedTopics();

    /** Replication factor of the topics this service creates: 1 for the local stack's single broker. */
    @WithDefault("1")
    short replicationFactor();
}
