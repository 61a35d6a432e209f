package io.parley.kafka.topic;

import io.parley.event.Topics;
import java.time.Duration;
import java.util.List;

/**
 * Every Parley topic and how it is made: one list, which docs/events.md shows as its topics table (a test
 * keeps the two equal). The service that produces a topic creates it at start ({@link OwnedTopics}).
 */
public final class TopicSpecs {

    /** Keyed by call id; notification-service's missed-call consumer group must catch up within a week. */
    public static final TopicSpec CALL_EVENTS = TopicSpec.timeRetained(Topics.CALL_EVENTS, 6, Duration.ofDays(7));

    /** Keyed by user id. */
    public static final TopicSpec PRESENCE = TopicSpec.compacted(Topics.PRESENCE, 3);

    /** Keyed by user id. */
    public static final TopicSpec USERS = TopicSpec.compacted(Topics.USERS, 3);

    /** Read from the latest offset by every signaling instance: an hour is for looking into, not for replay. */
    public static final TopicSpec SIGNALING_RELAY = TopicSpec.timeRetained(Topics.SIGNALING_RELAY, 3,
            Duration.ofHours(1));

    /** One key, so one partition. */
    public static final TopicSpec SETTINGS = TopicSpec.compacted(Topics.SETTINGS, 1);

    public static final List<TopicSpec> ALL = List.of(CALL_EVENTS, PRESENCE, USERS, SIGNALING_RELAY, SETTINGS);

    private TopicSpecs() {
    }

    /** The spec of topic {@code name}; an unknown name is a configuration mistake. */
    public static TopicSpec named(String name) {
        return ALL.stream().filter(spec -> spec.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Parley topic named " + name + "; known: "
                        + ALL.stream().map(TopicSpec::name).toList()));
    }
}
