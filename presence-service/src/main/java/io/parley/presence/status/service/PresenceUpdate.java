package io.parley.presence.status.service;

import io.parley.event.presence.PresenceStatus;
import java.time.Instant;

/**
 * A change of a user's effective status or manual choice, fired (as a CDI event, synchronously and in
 * order per user) by {@link PresenceTracker} to whoever spreads it: Kafka, watchers' sockets.
 *
 * @param presence the presence after the change
 * @param previousStatus the effective status before it
 * @param occurredAt when it changed
 */
public record PresenceUpdate(Presence presence, PresenceStatus previousStatus, Instant occurredAt) {

    /** False when only the manual choice changed (e.g. an offline user chose DND). */
    public boolean statusChanged() {
        return presence.status() != previousStatus;
    }
}
