package io.parley.presence.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.testsupport.SharedInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads a topic of the shared test broker from its beginning, keeping every record, and waits for the
 * one a test expects. Waits poll under a deadline; nothing sleeps for a fixed time.
 */
public final class TopicReader implements AutoCloseable {

    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A record as read: its key and its JSON value (null for a tombstone). */
    public record Entry(String key, JsonNode value) {
    }

    private final String topic;
    private final KafkaConsumer<String, String> consumer;
    private final List<Entry> seen = new ArrayList<>();

    public TopicReader(String topic) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // The service creates its topics compacted; a reader must never create them first.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = awaitPartitions();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Waits for a record with {@code key} whose value satisfies {@code condition}. */
    public JsonNode await(String key, Predicate<JsonNode> condition, String what) {
        return await(entry -> key.equals(entry.key()) && entry.value() != null && condition.test(entry.value()), what)
                .value();
    }

    /** Waits for a record satisfying {@code condition}, among those read so far or still to come. */
    public Entry await(Predicate<Entry> condition, String what) {
        long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < seen.size(); checked++) {
                if (condition.test(seen.get(checked))) {
                    return seen.get(checked);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " on " + topic + " within " + DEFAULT_WAIT.toSeconds()
                        + " s; read " + seen);
            }
            poll();
        }
    }

    /** Every record read so far with {@code key}, oldest first. */
    public List<JsonNode> valuesOf(String key) {
        poll();
        return seen.stream().filter(e -> key.equals(e.key())).map(Entry::value).toList();
    }

    private void poll() {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            seen.add(new Entry(record.key(), parse(record.value())));
        }
    }

    private List<TopicPartition> awaitPartitions() {
        List<PartitionInfo> infos = Awaitility.await("topic " + topic + " created").atMost(DEFAULT_WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> consumer.partitionsFor(topic, Duration.ofSeconds(5)), found -> !found.isEmpty());
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    }

    private static JsonNode parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value);
        } catch (Exception e) {
            return JSON.createObjectNode().put("unparseable", value);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
