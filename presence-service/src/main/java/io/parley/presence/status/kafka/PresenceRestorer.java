package io.parley.presence.status.kafka;

import io.parley.event.Topics;
import io.parley.event.presence.PresenceChanged;
import io.parley.kafka.client.KafkaClientSettings;
import io.parley.kafka.topic.OwnedTopics;
import io.parley.kafka.view.CompactedTopicView;
import io.parley.presence.kafka.EventJson;
import io.parley.presence.status.service.PresenceTracker;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Brings presence back after a restart: reads the compacted topic {@link Topics#PRESENCE} (once this
 * service made sure it exists) from its beginning up to where it stood at start, and hands the latest record
 * of each user to the {@link PresenceTracker}; then stops reading, since this service is the topic's producer.
 * Until that is done the service does not report ready; a Kafka that is away is waited out.
 */
@ApplicationScoped
public class PresenceRestorer {

    private final OwnedTopics topics;
    private final PresenceTracker tracker;
    private final CompactedTopicView<PresenceChanged> view;
    private volatile boolean restored;
    private volatile int restoredUsers;

    public PresenceRestorer(OwnedTopics topics, KafkaClientSettings kafka, PresenceTracker tracker) {
        this.topics = topics;
        this.tracker = tracker;
        this.view = new CompactedTopicView<>(kafka, Topics.PRESENCE, "presence-restore", PresenceRestorer::parse);
    }

    void onStart(@Observes StartupEvent event) {
        view.whenCaughtUp().thenRun(this::restore);
        topics.ready(Topics.PRESENCE).thenRun(view::start);
    }

    void onStop(@Observes ShutdownEvent event) {
        view.close();
    }

    /** Whether the topic was read back; the readiness check reports this. */
    public boolean restored() {
        return restored;
    }

    public int restoredUsers() {
        return restoredUsers;
    }

    /** Why presence is not restored yet, or how it was. */
    public String status() {
        if (restored) {
            return "restored " + restoredUsers + " users from " + Topics.PRESENCE;
        }
        if (!topics.isReady(Topics.PRESENCE)) {
            return "waiting for topic " + Topics.PRESENCE + ": " + topics.status().get(Topics.PRESENCE);
        }
        return view.status().reason();
    }

    private void restore() {
        // A record filed under another user's key is not that user's presence.
        List<PresenceChanged> latest = view.snapshot().entrySet().stream()
                .filter(entry -> entry.getKey().equals(entry.getValue().userId()))
                .map(Map.Entry::getValue).toList();
        tracker.restore(latest);
        restoredUsers = latest.size();
        restored = true;
        view.close();
        Log.infof("presence: restored the presence of %d users from %s", latest.size(), Topics.PRESENCE);
    }

    private static PresenceChanged parse(String json) {
        try {
            return EventJson.MAPPER.readValue(json, PresenceChanged.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
