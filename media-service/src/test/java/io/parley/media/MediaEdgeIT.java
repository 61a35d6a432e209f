package io.parley.media;

import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.ServiceEdgeContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The media service's edge: authentication, health (Kafka, TURN relay, echo peer), metrics and OpenAPI, for real. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(OidcResource.class)
class MediaEdgeIT extends ServiceEdgeContract {

    @Override
    protected String securedPath() {
        return "/api/media/me";
    }

    @Override
    protected String[] readinessChecks() {
        return new String[] {"Kafka connection health check", "TURN relay", "Echo test peer"};
    }
}
