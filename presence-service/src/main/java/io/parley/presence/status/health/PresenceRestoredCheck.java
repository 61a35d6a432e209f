package io.parley.presence.status.health;

import io.parley.presence.status.kafka.PresenceRestorer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: DOWN, saying why (topic not created yet, Kafka not answering, still reading), until the users'
 * manual statuses were read back from Kafka, so that no page sees (and no call is decided on) a presence
 * that forgot someone's DND.
 */
@Readiness
@ApplicationScoped
public class PresenceRestoredCheck implements HealthCheck {

    public static final String NAME = "presence state restored";

    private final PresenceRestorer restorer;

    public PresenceRestoredCheck(PresenceRestorer restorer) {
        this.restorer = restorer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).status(restorer.restored())
                .withData("users", restorer.restoredUsers())
                .withData("state", restorer.status()).build();
    }
}
