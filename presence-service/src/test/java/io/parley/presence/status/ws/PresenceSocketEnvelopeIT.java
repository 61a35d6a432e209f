package io.parley.presence.status.ws;

import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.SocketEnvelopeContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;

/** {@code /ws/presence} keeps the envelope rules every Parley socket shares. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(OidcResource.class)
class PresenceSocketEnvelopeIT extends SocketEnvelopeContract {

    @TestHTTPResource("/ws/presence")
    URI socket;

    @Override
    protected URI socketUri() {
        return socket;
    }
}
