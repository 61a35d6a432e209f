package io.parley.signaling;

import io.parley.kafka.topic.OwnedTopicsCheck;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.parley.testsupport.ServiceEdgeContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The signaling service's edge: authentication, health, metrics and OpenAPI, against real infrastructure. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "signaling"))
@WithTestResource(OidcResource.class)
class SignalingEdgeIT extends ServiceEdgeContract {

    @Override
    protected String securedPath() {
        return "/api/signaling/me";
    }

    @Override
    protected String[] readinessChecks() {
        return new String[] {"Kafka connection health check", "Reactive PostgreSQL connections health check",
            "directory view", "signaling relay", OwnedTopicsCheck.NAME};
    }
}
