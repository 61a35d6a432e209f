package io.parley.presence.status.service;

import io.parley.event.presence.PresenceStatus;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** The statuses a user may choose for themselves: OFFLINE is never a choice, it is the absence of pages. */
public final class ManualStatus {

    /** The choices; {@code contains(null)} is false (no choice is not a choice). */
    public static final Set<PresenceStatus> CHOICES = Collections.unmodifiableSet(
            EnumSet.of(PresenceStatus.AVAILABLE, PresenceStatus.AWAY, PresenceStatus.DND));

    private ManualStatus() {
    }

    /**
     * Reads a choice as clients send it.
     *
     * @return the status, or null for "no choice" when {@code value} is null
     * @throws IllegalArgumentException when {@code value} is not AVAILABLE, AWAY or DND
     */
    public static PresenceStatus parse(String value) {
        if (value == null) {
            return null;
        }
        for (PresenceStatus choice : CHOICES) {
            if (choice.name().equals(value)) {
                return choice;
            }
        }
        throw new IllegalArgumentException("status must be AVAILABLE, AWAY, DND or null, not '" + value + "'");
    }
}
