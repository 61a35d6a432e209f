package io.parley.kafka.client;

import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The service's Kafka settings turned into the configuration of the plain clients kafka-support runs (admin
 * clients, topic readers), so they connect exactly as the service's messaging channels do: same servers,
 * security protocol, SASL and TLS settings. The settings are every {@code kafka.*} property of the service
 * without the prefix, as Quarkus gathers them for its channels (the {@code default-kafka-broker} map; an
 * environment variable such as {@code KAFKA_SASL_JAAS_CONFIG} counts as {@code kafka.sasl.jaas.config}).
 */
@Singleton
public class KafkaClientSettings {

    private static final Set<String> ADMIN = AdminClientConfig.configNames();
    private static final Set<String> CONSUMER = ConsumerConfig.configNames();
    private static final Set<String> PRODUCER = ProducerConfig.configNames();

    private final Map<String, Object> kafka;

    /** @param kafka the service's {@code kafka.*} settings with the prefix removed */
    @Inject
    public KafkaClientSettings(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = Collections.unmodifiableMap(new HashMap<>(kafka));
    }

    public String bootstrapServers() {
        return String.valueOf(kafka.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }

    /** Configuration of an admin client (creating topics, reading their settings). */
    public Map<String, Object> admin(String clientId) {
        Map<String, Object> config = forClient(ADMIN);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    /** Configuration of a producer (the outbox's): the settings a producer takes, and its client id. */
    public Map<String, Object> producer(String clientId) {
        Map<String, Object> config = forClient(PRODUCER);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    /**
     * Configuration of a consumer that assigns partitions itself and commits nothing: no consumer group (the
     * service's {@code group.id} is dropped), reading from the earliest offset, never creating a topic (only
     * its producer creates it, with the settings {@link io.parley.kafka.topic.TopicSpecs} gives it).
     */
    public Map<String, Object> reader(String clientId) {
        Map<String, Object> config = forClient(CONSUMER);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return config;
    }

    /**
     * The settings minus those that belong only to other kinds of client (a producer's {@code acks} for an
     * admin client, the service's {@code group.id}): each would log an "unknown config" warning. Everything
     * else is kept, including names no Kafka client defines: security plug-ins read their own keys, and
     * Quarkus's TLS registry hands its SSL engine factory {@code tls-configuration-name}.
     */
    private Map<String, Object> forClient(Set<String> known) {
        Set<String> others = new HashSet<>(ADMIN);
        others.addAll(CONSUMER);
        others.addAll(PRODUCER);
        others.removeAll(known);
        Map<String, Object> config = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (!others.contains(key)) {
                config.put(key, value);
            }
        });
        return config;
    }
}
