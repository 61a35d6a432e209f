package io.parley.presence.status.kafka;

import io.parley.event.Topics;
import io.parley.event.presence.PresenceChanged;
import io.parley.kafka.topic.OwnedTopics;
import io.parley.presence.kafka.KeyedSender;
import io.parley.presence.status.service.PresenceUpdate;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes every presence change as a {@link PresenceChanged} to the compacted topic
 * {@link Topics#PRESENCE}, keyed by user id: signaling reads it to ring or refuse calls, and this service
 * reads it back after a restart.
 */
@ApplicationScoped
public class PresencePublisher {

    /** Outgoing channel bound to {@link Topics#PRESENCE} in application.properties. */
    public static final String CHANNEL = "presence-changed";

    private final KeyedSender<PresenceChanged> sender;

    public PresencePublisher(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 10_000)
            MutinyEmitter<Record<String, PresenceChanged>> emitter,
            OwnedTopics topics) {
        this.sender = new KeyedSender<>(Topics.PRESENCE, emitter, topics.ready(Topics.PRESENCE));
    }

    void onUpdate(@Observes PresenceUpdate update) {
        var presence = update.presence();
        sender.send(presence.userId(), new PresenceChanged(UUID.randomUUID().toString(), update.occurredAt(),
                presence.userId(), presence.status(), presence.manualStatus()));
    }
}
