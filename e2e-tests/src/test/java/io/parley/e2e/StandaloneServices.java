package io.parley.e2e;

import io.parley.stack.Postgres;
import io.parley.testsupport.SharedInfrastructure;
import java.util.LinkedHashMap;
import java.util.Map;

/** The settings of a service a test starts on its own (outside the shared stack): the shared issuer and PostgreSQL. */
final class StandaloneServices {

    private StandaloneServices() {
    }

    /** Loopback, the given Kafka, the shared OIDC issuer and {@code database}; a map the caller may add to. */
    static Map<String, String> config(String database, String bootstrapServers) {
        Postgres postgres = SharedInfrastructure.postgres();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.host", "127.0.0.1");
        config.put("kafka.bootstrap.servers", bootstrapServers);
        config.put("quarkus.oidc.auth-server-url", SharedInfrastructure.oidc().issuer());
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(database));
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
        return config;
    }

    /** {@link #config(String, String)} on the shared Kafka broker. */
    static Map<String, String> config(String database) {
        return config(database, SharedInfrastructure.kafka().bootstrapServers());
    }
}
