package io.parley.signaling;

import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.SocketEnvelopeContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;

/** {@code /ws/signaling} keeps the envelope rules every Parley socket shares. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "signaling"))
@WithTestResource(OidcResource.class)
class SignalingSocketEnvelopeIT extends SocketEnvelopeContract {

    @TestHTTPResource("/ws/signaling")
    URI socket;

    @Override
    protected URI socketUri() {
        return socket;
    }
}
