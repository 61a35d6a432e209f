package io.parley.presence;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.parley.kafka.topic.OwnedTopicsCheck;
import io.parley.presence.status.health.PresenceRestoredCheck;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.ServiceEdgeContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;

/** The presence service's edge: authentication, health, metrics and OpenAPI, against real infrastructure. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(OidcResource.class)
class PresenceEdgeIT extends ServiceEdgeContract {

    /** Presence is restored from Kafka in the background after start; the contract checks readiness. */
    @BeforeEach
    void presenceRestored() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> given().when().get("/q/health/ready").statusCode() == 200);
    }

    @Override
    protected String securedPath() {
        return "/api/presence/me";
    }

    @Override
    protected String[] readinessChecks() {
        return new String[] {"Kafka connection health check", PresenceRestoredCheck.NAME, OwnedTopicsCheck.NAME};
    }
}
