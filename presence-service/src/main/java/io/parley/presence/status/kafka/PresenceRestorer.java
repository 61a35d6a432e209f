package io.parley.presence.status.kafka;

import io.parley.event.Topics;
import io.parley.event.presence.PresenceChanged;
import io.parley.presence.kafka.CompactedTopics;
import io.parley.presence.kafka.EventJson;
import io.parley.presence.kafka.KafkaClients;
import io.parley.presence.status.service.PresenceTracker;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Brings presence back after a restart: reads the compacted topic {@link Topics#PRESENCE} from its
 * beginning up to the end offsets it finds on start, and hands the latest record of each user to the
 * {@link PresenceTracker}. Until that is done the service does not report ready.
 */
@ApplicationScoped
public class PresenceRestorer {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration READ_LIMIT = Duration.ofMinutes(2);

    private final CompactedTopics topics;
    private final KafkaClients clients;
    private final PresenceTracker tracker;
    private volatile boolean restored;
    private volatile int restoredUsers;
    private volatile Cancellable attempts;

    public PresenceRestorer(CompactedTopics topics, KafkaClients clients, PresenceTracker tracker) {
        this.topics = topics;
        this.clients = clients;
        this.tracker = tracker;
    }

    void onStart(@Observes StartupEvent event) {
        topics.ready().thenRun(() -> attempts = Uni.createFrom().item(this::restore)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> Log.warnf("presence: cannot restore presence from %s yet (%s); "
                        + "retrying", Topics.PRESENCE, e.toString()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(15)).indefinitely()
                .subscribe().with(users -> {
                    restoredUsers = users;
                    restored = true;
                    Log.infof("presence: restored the presence of %d users from %s", users, Topics.PRESENCE);
                }));
    }

    void onStop(@Observes ShutdownEvent event) {
        Cancellable running = attempts;
        if (running != null) {
            running.cancel();
        }
    }

    /** Whether the topic was read back; the readiness check reports this. */
    public boolean restored() {
        return restored;
    }

    public int restoredUsers() {
        return restoredUsers;
    }

    /** Reads the topic and hands it to the tracker; blocking. Returns how many users it knew. */
    private int restore() {
        Map<String, PresenceChanged> latest = readLatest();
        tracker.restore(latest.values());
        return latest.size();
    }

    /** The latest record per user, up to the end offsets seen when reading starts. Blocking. */
    Map<String, PresenceChanged> readLatest() {
        Map<String, PresenceChanged> latest = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = clients.reader("presence-restore")) {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.PRESENCE, Duration.ofSeconds(15));
            if (infos == null || infos.isEmpty()) {
                // The topic exists (CompactedTopics made sure): its metadata has not reached this broker yet.
                throw new IllegalStateException("no partitions of " + Topics.PRESENCE + " known yet");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(15));
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(new TimeoutException("reading " + Topics.PRESENCE + " took over "
                            + READ_LIMIT.toSeconds() + " s"));
                }
                for (ConsumerRecord<String, String> record : consumer.poll(POLL)) {
                    keep(latest, record);
                }
            }
        }
        return latest;
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static void keep(Map<String, PresenceChanged> latest, ConsumerRecord<String, String> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            latest.remove(record.key());
            return;
        }
        try {
            PresenceChanged changed = EventJson.MAPPER.readValue(record.value(), PresenceChanged.class);
            if (record.key().equals(changed.userId())) {
                latest.put(record.key(), changed);
            }
        } catch (Exception e) {
            Log.warnf("presence: skipping unreadable record at %s-%d@%d: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }
}
