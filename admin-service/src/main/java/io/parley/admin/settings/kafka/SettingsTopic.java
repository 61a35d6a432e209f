package io.parley.admin.settings.kafka;

import io.parley.event.Topics;
import io.parley.kafka.topic.OwnedTopics;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether {@code parley.settings} exists yet, compacted, so settings events may be published to it. kafka-support
 * creates it at start ({@link OwnedTopics}, from {@code parley.kafka.owned-topics}) and keeps trying while Kafka
 * is away; until then settings events wait in the outbox.
 */
@ApplicationScoped
public class SettingsTopic {

    private final OwnedTopics topics;

    public SettingsTopic(OwnedTopics topics) {
        this.topics = topics;
        // Fails the start if the topic was left out of parley.kafka.owned-topics: nothing would create it.
        topics.ready(Topics.SETTINGS);
    }

    /** True once the topic exists with {@code cleanup.policy=compact}. */
    public boolean isReady() {
        return topics.isReady(Topics.SETTINGS);
    }
}
