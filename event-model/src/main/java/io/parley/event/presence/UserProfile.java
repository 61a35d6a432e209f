package io.parley.event.presence;

import java.time.Instant;

/**
 * A user of the directory, on the compacted topic {@link io.parley.event.Topics#USERS} keyed by user id.
 * Lets services know who exists (an unknown callee is an error) and how to show them.
 *
 * @param eventId unique per event
 * @param occurredAt when the entry was read from the identity provider
 * @param userId the identity provider's user id (token subject)
 * @param username login name
 * @param displayName name to show
 * @param avatar avatar URL, or null
 */
public record UserProfile(String eventId, Instant occurredAt, String userId, String username, String displayName,
        String avatar) {
}
