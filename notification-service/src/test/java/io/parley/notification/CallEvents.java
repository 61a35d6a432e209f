package io.parley.notification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.parley.event.Topics;
import io.parley.event.call.CallEvent;
import io.parley.event.call.CallEventType;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.parley.notification.incoming.kafka.CallNotifier;
import io.parley.notification.missedcall.kafka.MissedCallRecorder;
import io.parley.testsupport.TestUser;
import io.parley.testsupport.TestOidcIssuer;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Call events as signaling publishes them (records of event-model, JSON, keyed by call id), produced to the
 * real broker, and the waits that tell when the service has consumed them.
 */
public final class CallEvents {

    public static final Duration WAIT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static KafkaProducer<String, String> producer;

    private CallEvents() {
    }

    /** A fresh user name, so that tests sharing the database do not see each other's missed calls. */
    public static String newUser(String name) {
        return TestUser.uniqueName(name);
    }

    /** How a user appears as a call party; ids are the test issuer's token subjects. */
    public static Party party(String username) {
        return new Party(TestOidcIssuer.subjectOf(username), "Name of " + username, "/avatars/" + username + ".svg");
    }

    public static String newCallId() {
        return "call-" + UUID.randomUUID();
    }

    public static CallEvent invited(String callId, Party caller, Party callee, boolean ring) {
        return new CallEvent(newEventId(), CallEventType.INVITED, Instant.now(), callId, caller, callee, true, true,
                "webrtc", ring, CallState.RINGING, null, null, null);
    }

    public static CallEvent answered(String callId, Party caller, Party callee) {
        return new CallEvent(newEventId(), CallEventType.ANSWERED, Instant.now(), callId, caller, callee, true, true,
                "webrtc", null, CallState.ANSWERED, null, callee.id(), null);
    }

    public static CallEvent ended(String callId, Party caller, Party callee, EndReason reason) {
        return ended(callId, caller, callee, reason, Instant.now());
    }

    public static CallEvent ended(String callId, Party caller, Party callee, EndReason reason, Instant at) {
        return new CallEvent(newEventId(), CallEventType.ENDED, at, callId, caller, callee, true, false, "webrtc",
                null, CallState.ENDED, reason, null, 0L);
    }

    /** Publishes {@code event} keyed by its call id and returns where it landed. */
    public static RecordMetadata produce(CallEvent event) {
        try {
            return produceRaw(event.callId(), JSON.writeValueAsString(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes any text as a call event record (for unreadable-record tests). */
    public static RecordMetadata produceRaw(String key, String value) {
        try {
            return producer().send(new ProducerRecord<>(Topics.CALL_EVENTS, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("producing to " + Topics.CALL_EVENTS + " failed", e);
        }
    }

    /**
     * Waits until both of the service's consumers own their partitions and have settled where they read from:
     * the push consumer starts at the latest offset, so an event produced before that would not be pushed.
     */
    public static void awaitConsumersPositioned(KafkaClientService kafka) {
        for (String channel : new String[] {CallNotifier.CHANNEL, MissedCallRecorder.CHANNEL}) {
            KafkaConsumer<Object, Object> consumer = kafka.getConsumer(channel);
            Awaitility.await(channel + " positioned").atMost(WAIT).until(() -> {
                Set<TopicPartition> assigned = consumer.runOnPollingThread(c -> {
                    // position() returns once the start offset is resolved, so nothing produced after it is skipped.
                    c.assignment().forEach(c::position);
                    return c.assignment();
                }).await().atMost(WAIT);
                return !assigned.isEmpty();
            });
        }
    }

    /** Waits until the shared missed-call group committed past {@code record}: it was handled and stored. */
    public static void awaitMissedCallsConsumed(KafkaClientService kafka, RecordMetadata record) {
        Awaitility.await("missed-call group past offset " + record.offset() + " of partition " + record.partition())
                .atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> missedCallsCommittedPast(kafka, record));
    }

    /** Whether the shared missed-call group has committed an offset after {@code record}. */
    public static boolean missedCallsCommittedPast(KafkaClientService kafka, RecordMetadata record) {
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(MissedCallRecorder.CHANNEL);
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partition).await().atMost(WAIT);
        OffsetAndMetadata offset = committed.get(partition);
        return offset != null && offset.offset() > record.offset();
    }

    private static String newEventId() {
        return UUID.randomUUID().toString();
    }

    private static synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(config);
            Runtime.getRuntime().addShutdownHook(new Thread(producer::close, "close-test-producer"));
        }
        return producer;
    }
}
