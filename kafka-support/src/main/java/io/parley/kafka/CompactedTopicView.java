package io.parley.kafka;

import org.jboss.logging.Logger;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The latest value per key of a compacted topic, kept in memory: read from the beginning on start, then
 * followed. Runs one consumer on its own thread (the Kafka consumer blocks and is not thread-safe).
 * {@link #caughtUp()} turns true once everything that existed at start has been read.
 */
public final class CompactedTopicView<V> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CompactedTopicView.class);

    private final String topic;
    private final Function<String, V> parse;
    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile Map<TopicPartition, Long> targetOffsets;
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    /**
     * @param group names this reader's consumer group (made unique per instance; nothing is committed)
     * @param parse turns a record's value into the view's value; a value it cannot parse is skipped
     */
    public CompactedTopicView(String bootstrapServers, String topic, String group, Function<String, V> parse) {
        this.topic = topic;
        this.parse = parse;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group + "-" + topic + "-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Only a topic's producer creates it, compacted (CompactedTopics); a reader must not create it.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        thread = new Thread(this::run, "view-" + topic);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public V get(String key) {
        return values.get(key);
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    public int size() {
        return values.size();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    // Nothing to hand over: every instance reads everything.
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (targetOffsets == null) {
                        targetOffsets = consumer.endOffsets(partitions);
                    }
                }
            });
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record);
                }
                if (!caughtUp) {
                    caughtUp = reachedStartOffsets();
                    if (caughtUp) {
                        LOG.infof("%s: read %d entries", topic, values.size());
                    }
                }
            }
        } catch (WakeupException e) {
            // close() was called
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: view stopped", topic);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            values.remove(record.key());
            return;
        }
        try {
            values.put(record.key(), parse.apply(record.value()));
        } catch (RuntimeException e) {
            LOG.warnf("%s: skipping unreadable record at offset %d: %s", topic, record.offset(), e.getMessage());
        }
    }

    private boolean reachedStartOffsets() {
        if (targetOffsets == null) {
            // No partitions assigned: the topic does not exist yet, so there is nothing to catch up on.
            return !consumer.listTopics(Duration.ofSeconds(2)).containsKey(topic);
        }
        for (Map.Entry<TopicPartition, Long> target : targetOffsets.entrySet()) {
            if (consumer.position(target.getKey()) < target.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
