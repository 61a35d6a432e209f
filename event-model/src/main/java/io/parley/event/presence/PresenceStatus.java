package io.parley.event.presence;

/** A user's availability for calls. */
public enum PresenceStatus {
    /** Online and reachable: calls ring. */
    AVAILABLE,
    /** Online but idle or away from the keyboard: calls still ring. */
    AWAY,
    /** Do not disturb: calls end as UNAVAILABLE and become missed calls. */
    DND,
    /** No page connected: calls end as UNAVAILABLE and become missed calls. */
    OFFLINE;

    /** Whether an incoming call should alert the user. */
    public boolean rings() {
        return this == AVAILABLE || this == AWAY;
    }
}
