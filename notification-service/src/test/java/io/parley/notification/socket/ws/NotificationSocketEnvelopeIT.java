package io.parley.notification.socket.ws;

import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.SocketEnvelopeContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;

/** {@code /ws/notifications} keeps the envelope rules every Parley socket shares. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
@WithTestResource(OidcResource.class)
class NotificationSocketEnvelopeIT extends SocketEnvelopeContract {

    @TestHTTPResource("/ws/notifications")
    URI socket;

    @Override
    protected URI socketUri() {
        return socket;
    }
}
