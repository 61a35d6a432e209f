package io.parley.outbox;

import io.parley.kafka.topic.OwnedTopics;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Holds the events of a topic the service owns ({@code parley.kafka.owned-topics}) until kafka-support created it
 * as its spec says: a broker that creates topics on first write would give it the broker's partitions and
 * retention (a compacted topic would become time-retained). Events of other topics pass.
 */
@ApplicationScoped
public class OwnedTopicsGate implements OutboxGate {

    private final OwnedTopics topics;

    public OwnedTopicsGate(OwnedTopics topics) {
        this.topics = topics;
    }

    @Override
    public boolean allows(String topic) {
        return !topics.owns(topic) || topics.isReady(topic);
    }

    @Override
    public boolean allowsAll() {
        return topics.allReady();
    }
}
