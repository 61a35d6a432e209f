package io.parley.admin.settings.service;

import io.parley.admin.settings.kafka.SettingsTopic;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Publishes the current settings once after start, as soon as the topic exists: a Kafka that lost its data,
 * or a fresh one, learns the settings without waiting for an administrator's next change. Retried on every
 * sweep until it succeeded.
 */
@ApplicationScoped
public class StartupAnnouncement {

    private final SettingsChanges changes;
    private final SettingsTopic topic;
    private volatile String announcedEventId;

    public StartupAnnouncement(SettingsChanges changes, SettingsTopic topic) {
        this.changes = changes;
        this.topic = topic;
    }

    @Scheduled(every = "${parley.admin.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> announceOnce() {
        if (announcedEventId != null || !topic.isReady()) {
            return Uni.createFrom().voidItem();
        }
        return changes.announceCurrent()
                .invoke(event -> {
                    announcedEventId = event.eventId();
                    Log.infof("announced settings version %d on start", event.version());
                })
                .onFailure().invoke(e -> Log.warnf("could not announce the settings on start yet: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** The event id of the start-up announcement once it was written (and handed to Kafka), else null. */
    public String announcedEventId() {
        return announcedEventId;
    }
}
