package io.parley.admin.settings.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.admin.settings.kafka.SettingsTopic;
import io.parley.admin.settings.repository.SettingsRevisionRecord;
import io.parley.event.Topics;
import io.parley.event.settings.SettingsChanged;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Transactional outbox for settings events: {@link #add} writes the event in the caller's transaction, so it
 * exists exactly when the change does; {@link #publish} sends it once that transaction committed and notes
 * Kafka's acknowledgement; the sweeper deletes acknowledged rows and sends the ones that stayed behind (Kafka
 * down, topic not created yet, instance killed between commit and send). Delivery is at least once; consumers
 * skip versions they already applied.
 *
 * <p>The topic is compacted and every event is the whole state, so what matters is that the last record is the
 * newest: sends leave in version order, and an event older than one already sent, or than the committed
 * revision when the sweeper finds it, is dropped instead of sent.
 */
@ApplicationScoped
public class Outbox {

    /** Rows younger than this are still being published by the request that wrote them. */
    private static final Duration GRACE = Duration.ofSeconds(3);

    private final MutinyEmitter<String> settings;
    private final SettingsTopic topic;
    private final ObjectMapper json;
    private final Queue<UUID> acknowledged = new ConcurrentLinkedQueue<>();
    private long highestSent = -1;

    public Outbox(@Channel("settings") MutinyEmitter<String> settings, SettingsTopic topic, ObjectMapper json) {
        this.settings = settings;
        this.topic = topic;
        this.json = json;
    }

    /** Persists a settings event; call inside the transaction that makes the change it describes. */
    public Uni<OutboxRecord> add(SettingsChanged event) {
        OutboxRecord record = new OutboxRecord();
        record.id = UUID.fromString(event.eventId());
        record.topic = Topics.SETTINGS;
        record.recordKey = SettingsChanged.KEY;
        record.version = event.version();
        record.createdAt = Instant.now();
        try {
            record.payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return record.persist().replaceWith(record);
    }

    /** Sends a committed record; a failure, or a topic not created yet, leaves the row to the sweeper. */
    public void publish(OutboxRecord record) {
        if (!topic.isReady()) {
            return;
        }
        sendInOrder(record).subscribe().with(sent -> acknowledged.add(record.id), failure -> Log.warnf(
                "settings event %s stays in the outbox for the sweeper: %s", record.id, failure.getMessage()));
    }

    @Scheduled(every = "${parley.admin.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "2s")
    @WithTransaction
    Uni<Void> sweep() {
        List<UUID> done = new ArrayList<>();
        for (UUID id; (id = acknowledged.poll()) != null; ) {
            done.add(id);
        }
        Uni<Long> deleted = done.isEmpty() ? Uni.createFrom().item(0L) : OutboxRecord.delete("id in ?1", done);
        if (!topic.isReady()) {
            return deleted.replaceWithVoid();
        }
        return deleted.chain(() -> OutboxRecord.<OutboxRecord>list("createdAt < ?1 order by version, createdAt",
                Instant.now().minus(GRACE))).chain(records -> {
                    if (records.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    Log.infof("publishing settings event(s) left in the outbox (%d)", records.size());
                    return SettingsRevisionRecord.current().chain(revision -> Multi.createFrom().iterable(records)
                            .onItem().transformToUniAndConcatenate(r -> (r.version < revision.version
                                    ? Uni.createFrom().voidItem() : sendInOrder(r)).chain(() -> OutboxRecord.deleteById(r.id)))
                            .collect().last().replaceWithVoid());
                });
    }

    /**
     * Hands the record to the producer unless a newer version already went: records reach Kafka in the order
     * they are handed over, so deciding and handing over under one lock keeps versions increasing on the topic.
     */
    private Uni<Void> sendInOrder(OutboxRecord record) {
        synchronized (this) {
            if (record.version < highestSent) {
                return Uni.createFrom().voidItem();
            }
            highestSent = record.version;
            return Uni.createFrom().completionStage(send(record).subscribeAsCompletionStage());
        }
    }

    private Uni<Void> send(OutboxRecord record) {
        return settings.sendMessage(Message.of(record.payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(record.topic).withKey(record.recordKey).build()));
    }
}
