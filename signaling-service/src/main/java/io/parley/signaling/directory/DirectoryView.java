package io.parley.signaling.directory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.event.Topics;
import io.parley.event.presence.PresenceChanged;
import io.parley.event.presence.PresenceStatus;
import io.parley.event.presence.UserProfile;
import io.parley.kafka.client.KafkaClientSettings;
import io.parley.kafka.view.CompactedTopicView;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Who exists and how available they are, as presence-service publishes it ({@code parley.users},
 * {@code parley.presence}): read locally so placing a call asks no other service.
 */
@ApplicationScoped
public class DirectoryView {

    private final CompactedTopicView<UserProfile> users;
    private final CompactedTopicView<PresenceStatus> presence;

    public DirectoryView(KafkaClientSettings kafka, ObjectMapper json) {
        this.users = new CompactedTopicView<>(kafka, Topics.USERS, "signaling-users",
                text -> read(json, text, UserProfile.class));
        this.presence = new CompactedTopicView<>(kafka, Topics.PRESENCE, "signaling-presence",
                text -> read(json, text, PresenceChanged.class).status());
    }

    void start(@Observes StartupEvent event) {
        users.start();
        presence.start();
    }

    void stop(@Observes ShutdownEvent event) {
        users.close();
        presence.close();
    }

    /** The user's directory entry, if the user exists. */
    public Optional<UserProfile> user(String userId) {
        return Optional.ofNullable(users.get(userId));
    }

    /** The user's current presence; OFFLINE when presence never reported them. */
    public PresenceStatus status(String userId) {
        PresenceStatus status = presence.get(userId);
        return status == null ? PresenceStatus.OFFLINE : status;
    }

    /** True once both topics were read up to where they stood when this instance started. */
    public boolean caughtUp() {
        return users.caughtUp() && presence.caughtUp();
    }

    /** The views behind this directory, for readiness. */
    List<CompactedTopicView<?>> views() {
        return List.of(users, presence);
    }

    public int knownUsers() {
        return users.size();
    }

    private static <T> T read(ObjectMapper json, String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
