package io.parley.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.kafka.client.KafkaClientSettings;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

/**
 * The transactional outbox (docs/events.md, "The outbox"): {@link #add} writes an event in the caller's
 * transaction, so it exists exactly when the change does; {@link #publish}, called after the commit, sends what
 * is waiting; the sweeper sends what stayed behind. Delivery is at least once, in order per key: consumers skip
 * event ids they have seen.
 *
 * <p>Every send goes through a round: one transaction that claims the oldest row of each key ({@code for update
 * skip locked}, so instances never claim the same key at once), sends the claimed keys' rows in order, one
 * acknowledgement before the next, deletes what Kafka acknowledged and commits. A key whose oldest row another
 * round holds is left alone, so a row committed by one request never overtakes an older row of its key that
 * another instance, or the sweeper, is still sending. One instance runs one round at a time.
 *
 * <p>Order rests on {@code seq}, the insertion order: the transactions that add rows of one key must not overlap
 * (they lock the row of the thing that changes, as every call transition and settings change does, before adding
 * the event).
 */
@ApplicationScoped
public class Outbox {

    /**
     * The oldest row of each key, skipping keys another round holds: a row younger than the oldest of its key is
     * never a candidate, so a key is sent by whoever holds its oldest row. {@code %s}: where topics a gate holds
     * are left out, so that they do not fill the batch and starve the others.
     */
    static final String CLAIM_OLDEST_OF_EACH_KEY = """
            select o.id, o.seq, o.topic, o.record_key, o.payload, o.created_at from outbox o
            where not exists (select 1 from outbox older
                              where older.topic = o.topic and older.record_key = o.record_key and older.seq < o.seq)
            %s
            order by o.seq
            limit ?1
            for update of o skip locked""";

    /** A logger of its own: {@code io.quarkus.logging.Log} is rewritten in application classes only, not in libraries. */
    private static final Logger LOG = Logger.getLogger(Outbox.class);

    private record Key(String topic, String key) {

        static Key of(OutboxRecord record) {
            return new Key(record.topic, record.recordKey);
        }
    }

    /** What one round did: rows Kafka acknowledged, and the first failure (then the round stopped sending). */
    private static final class Round {

        final List<UUID> acknowledged = new ArrayList<>();
        final AtomicBoolean abort = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        boolean full;

        synchronized void acknowledged(OutboxRecord record) {
            acknowledged.add(record.id);
        }

        void failed(Throwable cause) {
            failure.compareAndSet(null, cause);
            abort.set(true);
        }
    }

    private final OutboxConfig config;
    private final KafkaSender kafka;
    private final List<OutboxGate> gates;
    private final OutboxMetrics metrics;
    private final Vertx vertx;
    private final ObjectMapper json;

    private final Object drainLock = new Object();
    /** The drain loop running now, completed when it stops; null when none runs. */
    private CompletableFuture<Void> draining;
    /** Someone asked for a drain since the running round started: the loop goes on. */
    private boolean askedAgain;
    private boolean closed;
    private volatile boolean kafkaTakesRecords = true;
    /** The last round failed before it could send (the database refused it): logged once, not every second. */
    private volatile boolean roundsFail;

    @Inject
    public Outbox(OutboxConfig config, KafkaClientSettings kafka,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "parley") String application,
            @Any Instance<OutboxGate> gates, MeterRegistry registry, Vertx vertx, ObjectMapper json) {
        this(config, new KafkaSender(kafka.producer(application + "-outbox"), config.kafkaTimeout(),
                application + "-outbox"), gates.stream().toList(), registry, vertx, json);
    }

    /** An outbox of its own, as a second instance would have (tests). */
    Outbox(OutboxConfig config, KafkaSender kafka, List<OutboxGate> gates, MeterRegistry registry, Vertx vertx,
            ObjectMapper json) {
        this.config = config;
        this.kafka = kafka;
        this.gates = List.copyOf(gates);
        this.metrics = new OutboxMetrics(registry);
        this.vertx = vertx;
        this.json = json;
    }

    /** Writes an event to the outbox; call inside the transaction that makes the change it describes. */
    public Uni<OutboxRecord> add(String topic, String key, String eventId, String payload) {
        OutboxRecord record = new OutboxRecord();
        record.id = UUID.fromString(eventId);
        record.topic = topic;
        record.recordKey = key;
        record.payload = payload;
        record.createdAt = Instant.now();
        return record.persist().replaceWith(record);
    }

    /** {@link #add} with the event written as JSON. */
    public Uni<OutboxRecord> addJson(String topic, String key, String eventId, Object event) {
        try {
            return add(topic, key, eventId, json.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /**
     * Sends what is waiting, the events the caller just committed included; call after the commit. Returns at
     * once. While Kafka is away this leaves the work to the sweeper, so requests do not queue up behind it.
     */
    public void publish() {
        if (kafkaTakesRecords) {
            drain();
        }
    }

    /**
     * Runs rounds until nothing claimable is left, a round failed, or the outbox closed; joins the loop when one
     * runs already (it then runs another round). The stage completes when the loop stopped.
     */
    CompletionStage<Void> drain() {
        CompletableFuture<Void> loop;
        boolean start = false;
        synchronized (drainLock) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            askedAgain = true;
            if (draining == null) {
                draining = new CompletableFuture<>();
                start = true;
            }
            loop = draining;
        }
        if (start) {
            // A context of its own: Hibernate Reactive binds its session to the context, and the caller's may
            // still be in use.
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> nextRound());
        }
        return loop;
    }

    @Scheduled(every = "${parley.outbox.sweep-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledSweep() {
        return sweep();
    }

    /** The sweeper: counts the backlog, then drains (whatever {@link #publish} left, and what a failure left). */
    Uni<Void> sweep() {
        // Deferred: at shutdown the pool is closed and opening a session throws; that is no error.
        return Uni.createFrom().deferred(() -> Panache.withSession(() -> OutboxRecord.count()))
                .invoke(metrics::backlog)
                .onFailure().invoke(e -> LOG.debugf("outbox: backlog not counted: %s", e.toString()))
                .onFailure().recoverWithNull()
                .chain(() -> Uni.createFrom().completionStage(drain()));
    }

    void onStop(@Observes ShutdownEvent event) {
        close();
    }

    /** Stops: no new round, and records not yet handed to Kafka fail (their rows stay for the next instance). */
    void close() {
        synchronized (drainLock) {
            closed = true;
        }
        kafka.close();
    }

    private void nextRound() {
        synchronized (drainLock) {
            askedAgain = false;
        }
        Uni.createFrom().deferred(() -> Panache.withTransaction(this::round))
                .subscribe().with(this::roundEnded, failure -> {
                    if (!roundsFail) {
                        LOG.warnf("outbox: a round failed, the sweeper retries: %s", failure.toString());
                    } else {
                        LOG.debugf("outbox: a round failed again: %s", failure.toString());
                    }
                    roundsFail = true;
                    loopEnds();
                });
    }

    private void roundEnded(Round round) {
        if (roundsFail) {
            LOG.info("outbox: rounds succeed again");
            roundsFail = false;
        }
        Throwable failure = round.failure.get();
        if (failure != null) {
            if (kafkaTakesRecords) {
                LOG.warnf("outbox: Kafka did not take an event (%s); events wait in the outbox, the sweeper retries",
                        failure.toString());
            }
            kafkaTakesRecords = false;
            loopEnds();
            return;
        }
        if (!kafkaTakesRecords && !round.acknowledged.isEmpty()) {
            LOG.info("outbox: Kafka takes events again");
            kafkaTakesRecords = true;
        }
        CompletableFuture<Void> ended = null;
        synchronized (drainLock) {
            // Decided and ended under one lock: a drain asked for in between either is seen here or starts a loop.
            if (closed || !(round.full || askedAgain)) {
                ended = draining;
                draining = null;
            }
        }
        if (ended == null) {
            nextRound();
        } else {
            ended.complete(null);
        }
    }

    private void loopEnds() {
        CompletableFuture<Void> ended;
        synchronized (drainLock) {
            ended = draining;
            draining = null;
        }
        ended.complete(null);
    }

    /** One round, inside its transaction. */
    private Uni<Round> round() {
        Context context = Vertx.currentContext();
        Executor onContext = task -> context.runOnContext(ignored -> task.run());
        Round round = new Round();
        int batch = config.batchSize();
        return Panache.getSession()
                .chain(session -> heldTopics(session).chain(held -> {
                    var claim = session.createNativeQuery(CLAIM_OLDEST_OF_EACH_KEY.formatted(
                            held.isEmpty() ? "" : "and o.topic not in (?2)"), OutboxRecord.class).setParameter(1, batch);
                    return (held.isEmpty() ? claim : claim.setParameter(2, held)).getResultList();
                }))
                .chain(oldest -> {
                    round.full = oldest.size() == batch;
                    List<OutboxRecord> claimed = oldest.stream().filter(record -> allowed(record.topic)).toList();
                    if (claimed.isEmpty()) {
                        round.full = false;
                        return Uni.createFrom().item(round);
                    }
                    return rowsOf(claimed, batch, round)
                            .chain(byKey -> sendInOrder(byKey, round))
                            // Kafka answers on its own threads; the session must be used on its context.
                            .emitOn(onContext)
                            .chain(() -> round.acknowledged.isEmpty() ? Uni.createFrom().item(0L)
                                    : OutboxRecord.delete("id in ?1", round.acknowledged))
                            .replaceWith(round);
                });
    }

    /**
     * The rows of the claimed keys, oldest first, at most {@code batch}: cut by seq, so each key gets a prefix of
     * its rows. Rows committed after the claim are included; they cannot be claimed elsewhere, being younger than
     * a row this round holds.
     */
    private Uni<Map<Key, List<OutboxRecord>>> rowsOf(List<OutboxRecord> claimed, int batch, Round round) {
        List<String> keys = claimed.stream().map(record -> record.recordKey).distinct().toList();
        long from = claimed.stream().mapToLong(record -> record.seq).min().orElseThrow();
        return OutboxRecord.<OutboxRecord>find("recordKey in ?1 and seq >= ?2 order by seq", keys, from)
                .range(0, batch - 1).list()
                .map(rows -> {
                    Map<Key, List<OutboxRecord>> byKey = new LinkedHashMap<>();
                    claimed.forEach(record -> byKey.put(Key.of(record), new ArrayList<>()));
                    int ours = 0;
                    for (OutboxRecord row : rows) {
                        List<OutboxRecord> ofKey = byKey.get(Key.of(row));
                        if (ofKey != null) {
                            ofKey.add(row);
                            ours++;
                        }
                    }
                    // More may wait behind the cut; only worth another round if this one sends something.
                    round.full |= rows.size() == batch && ours > 0;
                    return byKey;
                });
    }

    /** Keys side by side; within a key one record at a time, the next only once Kafka acknowledged the one before. */
    private Uni<Void> sendInOrder(Map<Key, List<OutboxRecord>> byKey, Round round) {
        List<Uni<Void>> keys = byKey.values().stream().filter(rows -> !rows.isEmpty())
                .map(rows -> sendFrom(rows, 0, round)).toList();
        return keys.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(keys).andFailFast().replaceWithVoid();
    }

    private Uni<Void> sendFrom(List<OutboxRecord> rows, int index, Round round) {
        if (index == rows.size()) {
            return Uni.createFrom().voidItem();
        }
        OutboxRecord row = rows.get(index);
        return Uni.createFrom().completionStage(() -> kafka.send(row.topic, row.recordKey, row.payload, round.abort))
                .onItemOrFailure().transformToUni((sent, failure) -> {
                    if (failure != null) {
                        round.failed(failure);
                        return Uni.createFrom().voidItem();
                    }
                    round.acknowledged(row);
                    metrics.published();
                    return sendFrom(rows, index + 1, round);
                });
    }

    /** Topics with rows waiting that a gate holds now (none to look for while every gate lets every topic pass). */
    private Uni<List<String>> heldTopics(Mutiny.Session session) {
        if (gates.stream().allMatch(OutboxGate::allowsAll)) {
            return Uni.createFrom().item(List.of());
        }
        return session.createNativeQuery("select distinct topic from outbox", String.class).getResultList()
                .map(topics -> topics.stream().filter(topic -> !allowed(topic)).toList());
    }

    private boolean allowed(String topic) {
        for (OutboxGate gate : gates) {
            if (!gate.allows(topic)) {
                return false;
            }
        }
        return true;
    }
}
