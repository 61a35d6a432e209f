package io.parley.notification.socket.ws;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.notification.CallEvents;
import io.parley.notification.Pages;
import io.parley.testsupport.PrometheusMetrics;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The notification socket itself: who may open it, its welcome, ping, and how it refuses bad input. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
@WithTestResource(OidcResource.class)
class NotificationSocketIT {

    @TestHTTPResource("/ws/notifications")
    URI http;

    @Test
    void welcomeNamesTheConnectionTheUserAndTheirUnreadMissedCalls() throws Exception {
        String dave = CallEvents.newUser("dave");
        try (WsTestClient page = Pages.open(Pages.socketUri(http), dave, "inbox")) {
            JsonNode welcome = Pages.welcome(page);
            assertEquals(TestOidcIssuer.subjectOf(dave), welcome.path("userId").asText());
            assertFalse(welcome.path("connectionId").asText().isBlank(), welcome.toString());
            assertEquals(0, welcome.path("unreadMissedCalls").asInt(-1), welcome.toString());
        }
    }

    @Test
    void everyPageGetsItsOwnConnectionId() throws Exception {
        String dave = CallEvents.newUser("dave");
        try (WsTestClient first = Pages.open(Pages.socketUri(http), dave, "one");
                WsTestClient second = Pages.open(Pages.socketUri(http), dave, "two")) {
            assertFalse(Pages.welcome(first).path("connectionId").asText()
                    .equals(Pages.welcome(second).path("connectionId").asText()));
        }
    }

    @Test
    void pingIsAckedWithTheSameId() throws Exception {
        try (WsTestClient page = Pages.open(Pages.socketUri(http), CallEvents.newUser("dave"), "inbox")) {
            JsonNode reply = page.request("ping", Map.of());
            assertEquals("ack", reply.path("type").asText(), reply.toString());
            assertTrue(reply.path("payload").isObject(), reply.toString());
        }
    }

    @Test
    void anonymousUpgradeIsRefusedWith401() {
        assertUpgradeRefused(null);
    }

    @Test
    void expiredAndForeignTokensAreRefusedWith401() {
        assertUpgradeRefused(SharedInfrastructure.oidc().expiredToken("dave"));
        assertUpgradeRefused(SharedInfrastructure.oidc().foreignKeyToken("dave"));
        assertUpgradeRefused(SharedInfrastructure.oidc().wrongAudienceToken("dave"));
    }

    @Test
    void browserMayCarryTheTokenInTheSubprotocolList() throws Exception {
        String dave = CallEvents.newUser("dave");
        String token = SharedInfrastructure.oidc().accessToken(dave);
        CompletableFuture<String> firstMessage = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                // The space of "Bearer <token>" is not allowed in a subprotocol: clients percent-encode it.
                .subprotocols("bearer-token-carrier", "quarkus-http-upgrade#Authorization#Bearer%20" + token)
                .buildAsync(Pages.socketUri(http), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        firstMessage.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            assertEquals("bearer-token-carrier", socket.getSubprotocol());
            assertThat(firstMessage.get(10, TimeUnit.SECONDS), containsString(TestOidcIssuer.subjectOf(dave)));
        } finally {
            socket.abort();
        }
    }

    @Test
    void openSocketsGaugeFollowsPagesOpeningAndClosing() throws Exception {
        double before = openSockets();
        WsTestClient page = Pages.open(Pages.socketUri(http), CallEvents.newUser("dave"), "inbox");
        Awaitility.await().atMost(CallEvents.WAIT).until(() -> openSockets() >= before + 1);
        page.close();
        Awaitility.await().atMost(CallEvents.WAIT).until(() -> openSockets() <= before);
    }

    private static double openSockets() {
        return PrometheusMetrics.value("parley_notification_sockets_open");
    }

    private void assertUpgradeRefused(String token) {
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> WsTestClient.connect(Pages.socketUri(http), token, "refused"));
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException, String.valueOf(refused.getCause()));
        assertEquals(401, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
    }
}
