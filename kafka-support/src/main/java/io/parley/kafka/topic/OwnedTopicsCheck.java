package io.parley.kafka.topic;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: DOWN, with the reason per topic, until every topic this service produces exists. */
@Readiness
@ApplicationScoped
public class OwnedTopicsCheck implements HealthCheck {

    public static final String NAME = "kafka topics";

    private final OwnedTopics topics;

    public OwnedTopicsCheck(OwnedTopics topics) {
        this.topics = topics;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(topics.allReady());
        topics.status().forEach(response::withData);
        return response.build();
    }
}
