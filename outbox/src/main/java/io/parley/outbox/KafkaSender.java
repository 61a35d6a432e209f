package io.parley.outbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The outbox's own Kafka producer. Its settings are part of the ordering guarantee, so they are fixed here and
 * not left to each service: acks from all replicas, idempotence (a retried batch neither duplicates nor overtakes
 * the next one), and timeouts bounded by {@link OutboxConfig#kafkaTimeout()} so that every send gets its answer,
 * success or failure, before the round that holds its row ends; a record still queued when another instance takes
 * the key over could otherwise land after that instance's newer records.
 *
 * <p>{@code send} may block while Kafka is unreachable (waiting for metadata), so records are handed to the
 * producer on a thread of their own, never on an event loop.
 */
final class KafkaSender implements AutoCloseable {

    private final Map<String, Object> config;
    private final ExecutorService thread;
    private volatile Producer<String, String> producer;

    /**
     * {@code producer} is the service's producer configuration (kafka-support's
     * {@code KafkaClientSettings.producer}): the broker addresses, any security settings and the client id.
     */
    KafkaSender(Map<String, Object> producer, Duration timeout, String clientId) {
        Map<String, Object> producerConfig = new HashMap<>(producer);
        producerConfig.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        long timeoutMs = Math.max(2, timeout.toMillis());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMs / 2));
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
        this.config = producerConfig;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, clientId + "-sender");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Hands one record to the producer; the future completes with Kafka's acknowledgement or fails. Once
     * {@code abort} is set (an earlier send of the same round failed), records not yet handed over fail at once:
     * Kafka is most likely away, and each would block for the whole timeout.
     */
    CompletableFuture<Void> send(String topic, String key, String payload, AtomicBoolean abort) {
        Send send = new Send(new ProducerRecord<>(topic, key, payload), abort);
        try {
            thread.execute(send);
        } catch (RejectedExecutionException e) {
            send.fail(new IllegalStateException("the outbox is closed", e));
        }
        return send.acknowledged;
    }

    /** One record on its way; failed rather than forgotten if the outbox closes before it was handed over. */
    private final class Send implements Runnable {

        final ProducerRecord<String, String> record;
        final AtomicBoolean abort;
        final CompletableFuture<Void> acknowledged = new CompletableFuture<>();

        Send(ProducerRecord<String, String> record, AtomicBoolean abort) {
            this.record = record;
            this.abort = abort;
        }

        @Override
        public void run() {
            if (abort.get()) {
                fail(new IllegalStateException("not sent: an earlier record of this round failed"));
                return;
            }
            try {
                producer().send(record, (metadata, error) -> {
                    if (error == null) {
                        acknowledged.complete(null);
                    } else {
                        acknowledged.completeExceptionally(error);
                    }
                });
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        void fail(Throwable cause) {
            acknowledged.completeExceptionally(cause);
        }
    }

    /** Created on first use, on the sending thread: a service that never publishes opens no connection. */
    private Producer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    /**
     * Fails what was not sent yet instead of sending it late: the rows stay in the outbox, and another instance
     * may be about to send them and newer ones of the same key.
     */
    @Override
    public void close() {
        for (Runnable never : thread.shutdownNow()) {
            ((Send) never).fail(new IllegalStateException("the outbox closed before this record was sent"));
        }
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
    }
}
