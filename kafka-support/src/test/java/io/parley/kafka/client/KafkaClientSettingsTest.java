package io.parley.kafka.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.kafka.client.runtime.KafkaRuntimeConfigProducer;
import io.quarkus.runtime.ApplicationConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The plain clients kafka-support makes connect as the service's channels do, SASL and TLS included. */
class KafkaClientSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"signaling\" password=\"not-a-real-secret\";";

    /** The security settings of a service reaching a SASL_SSL cluster, as kafka.* properties. */
    private static final Map<String, String> SECURE = Map.of(
            "kafka.bootstrap.servers", "kafka-1.example.org:9093,kafka-2.example.org:9093",
            "kafka.security.protocol", "SASL_SSL",
            "kafka.sasl.mechanism", "SCRAM-SHA-512",
            "kafka.ssl.truststore.location", "/etc/parley/kafka-truststore.p12",
            "kafka.ssl.truststore.type", "PKCS12",
            "kafka.ssl.endpoint.identification.algorithm", "https",
            "kafka.acks", "all");

    @Test
    void adminClientsAndReadersCarryTheServicesSecuritySettingsThrough() {
        // Quarkus's own gathering of kafka.* (what its messaging channels get), a secret from the environment.
        Map<String, Object> kafka = quarkusKafkaSettings(SECURE,
                Map.of("KAFKA_SASL_JAAS_CONFIG", JAAS, "KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit"));
        KafkaClientSettings settings = new KafkaClientSettings(kafka);

        for (Map<String, Object> config : new Map[] {settings.admin("test-admin"), settings.reader("test-reader")}) {
            assertEquals("kafka-1.example.org:9093,kafka-2.example.org:9093", config.get("bootstrap.servers"));
            assertEquals("SASL_SSL", config.get("security.protocol"));
            assertEquals("SCRAM-SHA-512", config.get("sasl.mechanism"));
            assertEquals(JAAS, config.get("sasl.jaas.config"));
            assertEquals("/etc/parley/kafka-truststore.p12", config.get("ssl.truststore.location"));
            assertEquals("PKCS12", config.get("ssl.truststore.type"));
            assertEquals("changeit", config.get("ssl.truststore.password"));
            assertEquals("https", config.get("ssl.endpoint.identification.algorithm"));
            assertFalse(config.containsKey("acks"), "a producer setting is not for this client: " + config);
        }
        // And Kafka reads them as its own settings.
        assertEquals("SASL_SSL", new AdminClientConfig(settings.admin("a")).getString("security.protocol"));
        assertEquals("SCRAM-SHA-512", new ConsumerConfig(ConsumerConfig.appendDeserializerToConfig(settings.reader("r"),
                new StringDeserializer(), new StringDeserializer())).getString("sasl.mechanism"));
    }

    @Test
    void aTlsConfigurationOfQuarkusReachesItsSslEngineFactory() {
        Map<String, Object> kafka = quarkusKafkaSettings(Map.of("kafka.bootstrap.servers", "kafka:9093",
                "kafka.security.protocol", "SSL", "kafka.tls-configuration-name", "kafka-tls"), Map.of());
        Map<String, Object> admin = new KafkaClientSettings(kafka).admin("test-admin");
        assertEquals("kafka-tls", admin.get("tls-configuration-name"));
        assertEquals("io.quarkus.kafka.client.tls.QuarkusKafkaSslEngineFactory", admin.get("ssl.engine.factory.class"));
    }

    @Test
    void aReaderJoinsNoGroupCommitsNothingAndCreatesNoTopic() {
        Map<String, Object> kafka = quarkusKafkaSettings(Map.of("kafka.bootstrap.servers", "localhost:9092"), Map.of());
        assertEquals("signaling-service", kafka.get("group.id"), "Quarkus names a group after the application");
        KafkaClientSettings settings = new KafkaClientSettings(kafka);

        Map<String, Object> reader = settings.reader("view-parley.users");
        assertFalse(reader.containsKey("group.id"));
        assertEquals("view-parley.users", reader.get("client.id"));
        assertEquals("false", reader.get("enable.auto.commit"));
        assertEquals("earliest", reader.get("auto.offset.reset"));
        assertEquals("false", reader.get("allow.auto.create.topics"));
        assertFalse(settings.admin("a").containsKey("group.id"));
    }

    private static Map<String, Object> quarkusKafkaSettings(Map<String, String> properties, Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(new HashMap<>(properties), "application.properties", 250))
                .withSources(new EnvConfigSource(env, 300))
                .build();
        ApplicationConfig application = new ApplicationConfig() {
            @Override
            public Optional<String> name() {
                return Optional.of("signaling-service");
            }

            @Override
            public Optional<String> version() {
                return Optional.empty();
            }

            @Override
            public Optional<String> uiHeader() {
                return Optional.empty();
            }
        };
        return new KafkaRuntimeConfigProducer().createKafkaRuntimeConfig(config, application);
    }
}
