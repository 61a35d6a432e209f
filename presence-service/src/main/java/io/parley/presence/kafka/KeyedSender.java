package io.parley.presence.kafka;

import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Sends latest-value-per-key records to a compacted topic once that topic is ready. Until then it keeps
 * only the newest value per key: on a compacted topic the older ones would not matter anyway, and the
 * backlog stays as small as the number of keys however long Kafka is away.
 *
 * @param <T> the record type
 */
public final class KeyedSender<T> {

    private final String topic;
    private final MutinyEmitter<Record<String, T>> emitter;
    private final Map<String, T> pending = new LinkedHashMap<>();
    private boolean open;

    public KeyedSender(String topic, MutinyEmitter<Record<String, T>> emitter, CompletionStage<Void> topicReady) {
        this.topic = topic;
        this.emitter = emitter;
        topicReady.thenRun(this::open);
    }

    /** Sends now, or as soon as the topic is ready; per key, records leave in the order given. */
    public synchronized void send(String key, T value) {
        if (!open) {
            pending.remove(key);
            pending.put(key, value);
            return;
        }
        emit(key, value);
    }

    private synchronized void open() {
        pending.forEach(this::emit);
        pending.clear();
        open = true;
    }

    private void emit(String key, T value) {
        emitter.send(Record.of(key, value)).subscribe().with(
                sent -> Log.tracef("kafka: %s <- %s", topic, key),
                failure -> Log.warnf("kafka: could not publish to %s for key %s: %s", topic, key, failure.toString()));
    }
}
