package io.parley.kafka.view;

import io.parley.kafka.client.KafkaClientSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The latest value per key of a compacted topic, kept in memory: read from the beginning on start, then
 * followed. It runs one consumer on its own thread (the Kafka consumer blocks and is not thread-safe) with
 * no consumer group: every instance reads every partition and commits nothing.
 *
 * <p>Kafka being away is a state, not an end: while the broker cannot be reached the view keeps trying,
 * says so in {@link #status()}, and carries on from where it was once the broker is back. A failing client
 * is closed and a new one made; the thread only ends with {@link #close()}.
 */
public final class CompactedTopicView<V> implements AutoCloseable {

    /** Where the view stands; {@code ready} is what readiness reports, {@code reason} says why. */
    public record Status(boolean ready, String reason) {
    }

    private static final Logger LOG = Logger.getLogger(CompactedTopicView.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** How long a request to the broker may take before the broker counts as unreachable. */
    private static final Duration REQUEST = Duration.ofSeconds(5);
    /** How often the view asks the broker for the topic's partitions and end offsets once it has them. */
    private static final Duration CHECK = Duration.ofSeconds(5);
    /** ... and while the topic does not exist or the broker does not answer. */
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    private final KafkaClientSettings kafka;
    private final String topic;
    private final String clientId;
    private final Function<String, V> parse;
    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile Status status = new Status(false, "not started");
    private volatile KafkaConsumer<String, String> consumer;

    // Owned by the view's thread.
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private Map<TopicPartition, Long> targets;
    private List<TopicPartition> assigned = List.of();

    /**
     * @param clientId names this reader in the broker's logs and metrics
     * @param parse turns a record's value into the view's value; a value it cannot parse is skipped
     */
    public CompactedTopicView(KafkaClientSettings kafka, String topic, String clientId, Function<String, V> parse) {
        this.kafka = kafka;
        this.topic = topic;
        this.clientId = clientId;
        this.parse = parse;
        this.thread = new Thread(this::run, "view-" + topic);
        thread.setDaemon(true);
    }

    public void start() {
        status = new Status(false, "connecting to Kafka at " + kafka.bootstrapServers());
        thread.start();
    }

    public String topic() {
        return topic;
    }

    public V get(String key) {
        return values.get(key);
    }

    /** A copy of every key's latest value. */
    public Map<String, V> snapshot() {
        return Map.copyOf(values);
    }

    public int size() {
        return values.size();
    }

    /**
     * True once everything the topic held when the view first reached the broker has been read (or the broker
     * said the topic does not exist: there is nothing to read). Stays true while the broker is away again.
     */
    public boolean caughtUp() {
        return caughtUp.isDone();
    }

    /** Completes on the view's thread when {@link #caughtUp()} turns true. */
    public CompletionStage<Void> whenCaughtUp() {
        return caughtUp.minimalCompletionStage();
    }

    /** Ready when caught up and the broker answered the last check; otherwise why not. */
    public Status status() {
        return status;
    }

    @Override
    public void close() {
        closed.countDown();
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    private boolean running() {
        return closed.getCount() > 0;
    }

    private void run() {
        Duration backoff = RECHECK;
        while (running()) {
            KafkaConsumer<String, String> current = null;
            try {
                current = new KafkaConsumer<>(kafka.reader(clientId), new StringDeserializer(), new StringDeserializer());
                consumer = current;
                if (!running()) {
                    break;
                }
                assigned = List.of();
                follow(current);
            } catch (WakeupException e) {
                // close() was called
            } catch (RuntimeException e) {
                // Anything but a timeout (bad address, failed authentication, ...): start over with a new client.
                report(false, "Kafka client failed: " + e + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
                pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : backoff.multipliedBy(2);
            } finally {
                consumer = null;
                if (current != null) {
                    current.close(Duration.ofSeconds(2));
                }
            }
        }
        status = new Status(false, "closed");
    }

    /** Reads and follows the topic with one client until the view is closed or the client fails. */
    private void follow(KafkaConsumer<String, String> client) {
        long nextCheck = 0;
        while (running()) {
            if (System.nanoTime() - nextCheck >= 0) {
                try {
                    boolean exists = check(client);
                    nextCheck = System.nanoTime() + (exists ? CHECK : RECHECK).toNanos();
                } catch (TimeoutException e) {
                    report(false, "Kafka at " + kafka.bootstrapServers() + " does not answer: " + e.getMessage());
                    nextCheck = System.nanoTime() + RECHECK.toNanos();
                    continue;
                }
            }
            if (assigned.isEmpty()) {
                pause(RECHECK);
                continue;
            }
            for (ConsumerRecord<String, String> record : client.poll(POLL)) {
                apply(record);
                positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
            try {
                if (!caughtUp() && reachedTargets(client)) {
                    markCaughtUp("read " + values.size() + " entries");
                }
            } catch (TimeoutException e) {
                report(false, "Kafka at " + kafka.bootstrapServers() + " does not answer: " + e.getMessage());
                nextCheck = System.nanoTime();
            }
            if (!caughtUp()) {
                report(false, "reading " + topic + " up to where it stood at start: " + values.size() + " entries so far");
            }
        }
    }

    /**
     * Asks the broker for the topic's partitions and their end offsets, which also proves that it answers;
     * assigns new partitions. Returns whether the topic exists.
     */
    private boolean check(KafkaConsumer<String, String> client) {
        List<PartitionInfo> infos = client.partitionsFor(topic, REQUEST);
        List<TopicPartition> partitions = infos == null ? List.of()
                : infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).sorted(
                        (a, b) -> Integer.compare(a.partition(), b.partition())).toList();
        if (partitions.isEmpty()) {
            // The broker answered that there is no such topic (yet): nothing to catch up on.
            if (!assigned.isEmpty()) {
                client.unsubscribe();
                assigned = List.of();
            }
            markCaughtUp("topic does not exist yet");
            report(true, "topic does not exist yet");
            return false;
        }
        Map<TopicPartition, Long> end = client.endOffsets(partitions, REQUEST);
        if (!partitions.equals(assigned)) {
            client.assign(partitions);
            for (TopicPartition partition : partitions) {
                Long position = positions.get(partition);
                if (position == null) {
                    client.seekToBeginning(List.of(partition));
                } else {
                    client.seek(partition, position);
                }
            }
            assigned = partitions;
        }
        if (targets == null) {
            targets = end;
        }
        if (caughtUp()) {
            report(true, "caught up, " + values.size() + " entries");
        }
        return true;
    }

    private boolean reachedTargets(KafkaConsumer<String, String> client) {
        if (targets == null) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
            if (target.getValue() > 0 && client.position(target.getKey(), REQUEST) < target.getValue()) {
                return false;
            }
        }
        return true;
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
            LOG.warnf("%s: skipping unreadable record at %d@%d: %s", topic, record.partition(), record.offset(),
                    e.getMessage());
        }
    }

    private void markCaughtUp(String how) {
        if (!caughtUp()) {
            LOG.infof("%s: caught up (%s)", topic, how);
            caughtUp.complete(null);
            report(true, "caught up, " + values.size() + " entries");
        }
    }

    /** Records where the view stands; a change of readiness is logged, not every repeat of it. */
    private void report(boolean ready, String reason) {
        Status previous = status;
        boolean nowReady = ready && caughtUp();
        status = new Status(nowReady, reason);
        if (previous.ready() != nowReady || (!nowReady && !sameKind(previous.reason(), reason))) {
            if (nowReady) {
                LOG.infof("%s: view ready (%s)", topic, reason);
            } else {
                LOG.warnf("%s: view not ready: %s", topic, reason);
            }
        }
    }

    private static boolean sameKind(String a, String b) {
        int length = Math.min(Math.min(a.length(), b.length()), 20);
        return a.regionMatches(0, b, 0, length);
    }

    private void pause(Duration duration) {
        try {
            closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed.countDown();
        }
    }
}
