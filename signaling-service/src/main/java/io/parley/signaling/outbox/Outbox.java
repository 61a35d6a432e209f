package io.parley.signaling.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.event.Topics;
import io.parley.event.call.CallEvent;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Transactional outbox for call events: {@link #add} writes the event in the caller's transaction, so it
 * exists exactly when the state change does; {@link #publish} sends it once that transaction committed
 * and notes Kafka's acknowledgement; the sweeper deletes acknowledged rows and sends the ones that stayed
 * behind (Kafka down, instance killed between commit and send). Delivery is at least once; consumers skip
 * event ids they have seen.
 */
@ApplicationScoped
public class Outbox {

    /** Rows younger than this are still being published by the request that wrote them. */
    private static final Duration GRACE = Duration.ofSeconds(3);

    private final MutinyEmitter<String> callEvents;
    private final java.util.Queue<UUID> acknowledged = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ObjectMapper json;

    public Outbox(@Channel("call-events") MutinyEmitter<String> callEvents, ObjectMapper json) {
        this.callEvents = callEvents;
        this.json = json;
    }

    /** Persists a call event; call inside the transaction that makes the change it describes. */
    public Uni<OutboxRecord> add(CallEvent event) {
        OutboxRecord record = new OutboxRecord();
        record.id = UUID.fromString(event.eventId());
        record.topic = Topics.CALL_EVENTS;
        record.recordKey = event.callId();
        record.createdAt = Instant.now();
        try {
            record.payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return record.persist().replaceWith(record);
    }

    /** Sends committed records; a failure leaves the row to the sweeper. */
    public void publish(List<OutboxRecord> records) {
        for (OutboxRecord record : records) {
            send(record).subscribe().with(sent -> acknowledged.add(record.id), failure -> Log.warnf("call event %s stays in the outbox for the sweeper: %s", record.id,
                            failure.getMessage()));
        }
    }

    @Scheduled(every = "${parley.signaling.sweep-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "5s")
    Uni<Void> sweep() {
        return Uni.createFrom().deferred(this::sweepNow)
                .onFailure().invoke(e -> Log.warnf("outbox sweep failed, next sweep retries: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> sweepNow() {
        return io.quarkus.hibernate.reactive.panache.Panache.withTransaction(this::deleteSentAndResendLeftovers);
    }

    private Uni<Void> deleteSentAndResendLeftovers() {
        List<UUID> done = new java.util.ArrayList<>();
        for (UUID id; (id = acknowledged.poll()) != null; ) {
            done.add(id);
        }
        Uni<Long> deleted = done.isEmpty() ? Uni.createFrom().item(0L) : OutboxRecord.delete("id in ?1", done);
        return deleted.chain(() -> OutboxRecord.<OutboxRecord>list("createdAt < ?1 order by createdAt", Instant.now().minus(GRACE))
                .chain(records -> {
                    if (records.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    Log.infof("publishing %d call event(s) left in the outbox", records.size());
                    return io.smallrye.mutiny.Multi.createFrom().iterable(records)
                            .onItem().transformToUniAndConcatenate(r -> send(r).chain(() -> OutboxRecord.deleteById(r.id)))
                            .collect().last().replaceWithVoid();
                }));
    }

    private Uni<Void> send(OutboxRecord record) {
        return callEvents.sendMessage(Message.of(record.payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(record.topic).withKey(record.recordKey).build()));
    }
}
