package io.parley.notification;

import static io.restassured.RestAssured.given;

import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.ServiceEdgeContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;

/** The notification service's edge: authentication, health, metrics and OpenAPI, against real infrastructure. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
@WithTestResource(OidcResource.class)
class NotificationEdgeIT extends ServiceEdgeContract {

    /**
     * Readiness includes the push consumer's partition assignment, which completes a moment after start: the
     * service must get there on its own, within the wait.
     */
    @BeforeEach
    void serviceBecomesReady() {
        Awaitility.await("readiness UP").atMost(CallEvents.WAIT)
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    @Override
    protected String securedPath() {
        return "/api/notification/me";
    }

    @Override
    protected String[] readinessChecks() {
        return new String[] {"Kafka connection health check", "Reactive PostgreSQL connections health check",
                "Database connections health check", "SmallRye Reactive Messaging - readiness check"};
    }
}
