package io.parley.presence.directory.kafka;

import io.parley.event.Topics;
import io.parley.event.presence.UserProfile;
import io.parley.kafka.topic.OwnedTopics;
import io.parley.presence.directory.service.DirectoryUser;
import io.parley.presence.kafka.KeyedSender;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes directory users as {@link UserProfile}s to the compacted topic {@link Topics#USERS}, keyed
 * by user id: how signaling knows that a callee exists and what to call them.
 */
@ApplicationScoped
public class UserProfilePublisher {

    /** Outgoing channel bound to {@link Topics#USERS} in application.properties. */
    public static final String CHANNEL = "user-profiles";

    private final KeyedSender<UserProfile> sender;

    public UserProfilePublisher(
            @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 10_000)
            MutinyEmitter<Record<String, UserProfile>> emitter,
            OwnedTopics topics) {
        this.sender = new KeyedSender<>(Topics.USERS, emitter, topics.ready(Topics.USERS));
    }

    public void publish(DirectoryUser user) {
        sender.send(user.id(), new UserProfile(UUID.randomUUID().toString(), Instant.now(), user.id(),
                user.username(), user.displayName(), user.avatar()));
    }
}
