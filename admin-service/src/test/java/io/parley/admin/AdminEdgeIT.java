package io.parley.admin;

import io.parley.kafka.topic.OwnedTopicsCheck;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.parley.testsupport.ServiceEdgeContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The admin service's edge: authentication, health, metrics and OpenAPI, against real infrastructure. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "admin"))
@WithTestResource(OidcResource.class)
class AdminEdgeIT extends ServiceEdgeContract {

    @Override
    protected String securedPath() {
        return "/api/admin/me";
    }

    @Override
    protected String[] readinessChecks() {
        return new String[] {"Kafka connection health check", "Reactive PostgreSQL connections health check",
            OwnedTopicsCheck.NAME};
    }
}
