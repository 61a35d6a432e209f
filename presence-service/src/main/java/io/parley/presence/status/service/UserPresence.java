package io.parley.presence.status.service;

import io.parley.event.presence.PresenceStatus;
import java.util.HashSet;
import java.util.Set;

/**
 * The mutable presence state of one user, guarded by its own monitor. Only {@link PresenceTracker}
 * touches it.
 */
final class UserPresence {

    final String userId;
    /** Ids of the user's open presence sockets. */
    final Set<String> connections = new HashSet<>();
    /** The subset of {@link #connections} whose page reported {@code idle}. */
    final Set<String> idleConnections = new HashSet<>();
    PresenceStatus manual;
    /** The manual choice was made since this instance started: a restore from Kafka must not undo it. */
    boolean manualChosenHere;
    /** No socket open, but still within the offline grace period. */
    boolean lingering;
    /** Whether the user was idle when the last socket closed: their status holds still during the grace. */
    boolean lingeringIdle;
    long graceTimer = -1;
    /** What was last announced (published to Kafka, pushed to watchers). */
    PresenceStatus announcedStatus = PresenceStatus.OFFLINE;
    PresenceStatus announcedManual;
    /** Dropped from the tracker's map; a thread that still holds it must look the user up again. */
    boolean removed;

    UserPresence(String userId) {
        this.userId = userId;
    }

    PresenceStatus effective() {
        if (connections.isEmpty() && !lingering) {
            return PresenceStatus.OFFLINE;
        }
        boolean idle = connections.isEmpty() ? lingeringIdle : idleConnections.size() == connections.size();
        if (manual == PresenceStatus.DND) {
            return PresenceStatus.DND;
        }
        if (manual == PresenceStatus.AWAY || idle) {
            return PresenceStatus.AWAY;
        }
        return PresenceStatus.AVAILABLE;
    }

    boolean isIdle() {
        return !connections.isEmpty() && idleConnections.size() == connections.size();
    }

    /** Nothing worth keeping: offline with no choice to remember. */
    boolean forgettable() {
        return connections.isEmpty() && !lingering && manual == null
                && announcedStatus == PresenceStatus.OFFLINE && announcedManual == null;
    }

    Presence view() {
        return new Presence(userId, effective(), manual);
    }
}
