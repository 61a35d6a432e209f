package io.parley.kafka.topic;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How a Parley topic is made: its partitions, and either compaction (the latest record per key is kept
 * for ever) or time-based retention. The replication factor is the deployment's, not the topic's.
 *
 * @param retention how long records are kept; null for a compacted topic
 */
public record TopicSpec(String name, int partitions, boolean compacted, Duration retention) {

    public TopicSpec {
        if (partitions < 1) {
            throw new IllegalArgumentException(name + ": partitions must be at least 1");
        }
        if (compacted != (retention == null)) {
            throw new IllegalArgumentException(name + ": a topic is either compacted or has a retention");
        }
    }

    /** A latest-value-per-key topic: nothing is deleted for age, a key goes only with its tombstone. */
    public static TopicSpec compacted(String name, int partitions) {
        return new TopicSpec(name, partitions, true, null);
    }

    /** A topic of events kept for {@code retention}. */
    public static TopicSpec timeRetained(String name, int partitions, Duration retention) {
        return new TopicSpec(name, partitions, false, retention);
    }

    public String cleanupPolicy() {
        return compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE;
    }

    /** The topic settings that make this topic what it is, as the broker names them. */
    public Map<String, String> configs() {
        return compacted
                ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy())
                : Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy(),
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }
}
