package io.parley.presence.status.service;

import io.parley.event.presence.PresenceStatus;

/**
 * One user's presence as others see it now.
 *
 * @param userId the user (token subject)
 * @param status effective status
 * @param manualStatus the user's own choice (AVAILABLE, AWAY or DND), or null for none
 */
public record Presence(String userId, PresenceStatus status, PresenceStatus manualStatus) {
}
