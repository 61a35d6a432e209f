package io.parley.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces and reads JSON records on the shared test broker the way Parley services do, so a test can
 * play a neighbouring service (publish what presence-service would) or check what a service published.
 */
public final class KafkaTestClient {

    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private KafkaTestClient() {
    }

    /** Sends {@code value} as JSON to {@code topic} with {@code key} and waits for the broker's ack. */
    public static void send(String topic, String key, Object value) {
        send(SharedInfrastructure.kafka().bootstrapServers(), topic, key, value);
    }

    /** {@link #send(String, String, Object)} to the brokers at {@code bootstrapServers} (a test's own cluster). */
    public static void send(String bootstrapServers, String topic, String key, Object value) {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, JSON.writeValueAsString(value))).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /**
     * Reads {@code topic} from the beginning until {@code count} records satisfy {@code condition}, or fails
     * after {@code timeout}; returns the matching values in order.
     */
    public static <T> List<T> await(String topic, Class<T> type, Predicate<T> condition, int count, Duration timeout) {
        return await(SharedInfrastructure.kafka().bootstrapServers(), topic, type, condition, count, timeout);
    }

    /** {@link #await(String, Class, Predicate, int, Duration)} on the brokers at {@code bootstrapServers}. */
    public static <T> List<T> await(String bootstrapServers, String topic, Class<T> type, Predicate<T> condition, int count,
            Duration timeout) {
        List<T> matching = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (matching.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    T value = JSON.readValue(record.value(), type);
                    if (condition.test(value)) {
                        matching.add(value);
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not read " + topic, e);
        }
        if (matching.size() < count) {
            throw new AssertionError("expected " + count + " matching records on " + topic + " within "
                    + timeout.toSeconds() + " s, got " + matching);
        }
        return matching;
    }
}
