package io.parley.testsupport;

import io.parley.event.Topics;
import io.parley.event.presence.PresenceChanged;
import io.parley.event.presence.PresenceStatus;
import io.parley.event.presence.UserProfile;
import java.time.Instant;
import java.util.UUID;

/**
 * Publishes what presence-service publishes (directory entries, presence) for the test issuer's users, so a
 * service that reads those topics can be tested without presence-service running.
 */
public final class DirectoryFixture {

    private DirectoryFixture() {
    }

    /** Makes {@code username} a known user; their id is {@link TestOidcIssuer#subjectOf}. */
    public static String user(String username) {
        return user(SharedInfrastructure.kafka().bootstrapServers(), username);
    }

    /** {@link #user(String)} on the brokers at {@code bootstrapServers} (a test's own cluster). */
    public static String user(String bootstrapServers, String username) {
        String id = TestOidcIssuer.subjectOf(username);
        String display = Character.toUpperCase(username.charAt(0)) + username.substring(1);
        KafkaTestClient.send(bootstrapServers, Topics.USERS, id, new UserProfile(UUID.randomUUID().toString(), Instant.now(), id, username,
                display, "/avatars/" + username + ".svg"));
        return id;
    }

    /** Publishes {@code username}'s presence. */
    public static void presence(String username, PresenceStatus status) {
        presence(SharedInfrastructure.kafka().bootstrapServers(), username, status);
    }

    /** {@link #presence(String, PresenceStatus)} on the brokers at {@code bootstrapServers}. */
    public static void presence(String bootstrapServers, String username, PresenceStatus status) {
        String id = TestOidcIssuer.subjectOf(username);
        KafkaTestClient.send(bootstrapServers, Topics.PRESENCE, id, new PresenceChanged(UUID.randomUUID().toString(), Instant.now(), id,
                status, status == PresenceStatus.OFFLINE ? null : status));
    }
}
