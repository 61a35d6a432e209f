package io.parley.event.presence;

import java.time.Instant;

/**
 * A user's presence after a change, on the compacted topic {@link io.parley.event.Topics#PRESENCE} keyed
 * by user id: the latest record per user is that user's current presence.
 *
 * @param eventId unique per event
 * @param occurredAt when the status changed
 * @param userId the user
 * @param status effective status
 * @param manualStatus the status the user chose (AVAILABLE, AWAY or DND), kept across reconnects; null for none
 */
public record PresenceChanged(String eventId, Instant occurredAt, String userId, PresenceStatus status,
        PresenceStatus manualStatus) {
}
