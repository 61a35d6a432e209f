package io.parley.event;

/**
 * Kafka topic names, one place for producers, consumers and tests. Every topic and record is described
 * in docs/events.md; how each topic is made (partitions, compaction or retention) is
 * {@code io.parley.kafka.topic.TopicSpecs} in kafka-support.
 */
public final class Topics {

    /** Call lifecycle events ({@link io.parley.event.call.CallEvent}), keyed by call id. */
    public static final String CALL_EVENTS = "parley.call-events";

    /** Latest presence of each user ({@link io.parley.event.presence.PresenceChanged}); compacted, keyed by user id. */
    public static final String PRESENCE = "parley.presence";

    /** Directory entry of each user ({@link io.parley.event.presence.UserProfile}); compacted, keyed by user id. */
    public static final String USERS = "parley.users";

    /** Signaling messages for a user's connections on other signaling instances; keyed by target user id. */
    public static final String SIGNALING_RELAY = "parley.signaling-relay";

    /**
     * Administrators' settings that services act on, such as which call providers are enabled
     * ({@link io.parley.event.settings.SettingsChanged}); compacted, one key
     * ({@link io.parley.event.settings.SettingsChanged#KEY}).
     */
    public static final String SETTINGS = "parley.settings";

    private Topics() {
    }
}
