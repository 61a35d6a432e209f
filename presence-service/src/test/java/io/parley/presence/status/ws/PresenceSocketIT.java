package io.parley.presence.status.ws;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.event.Topics;
import io.parley.testsupport.TestUser;
import io.parley.presence.support.TopicReader;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code /ws/presence} and {@code /api/presence/me/status} as clients use them, with real Kafka and a
 * real token issuer; the offline grace period is 1 s in tests.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(OidcResource.class)
class PresenceSocketIT {

    @TestHTTPResource("/ws/presence")
    URI presence;

    @Test
    void aBrowserMayCarryItsTokenInTheSubprotocolList() throws Exception {
        TestUser sue = TestUser.unique("sue");
        java.util.concurrent.CompletableFuture<String> firstMessage = new java.util.concurrent.CompletableFuture<>();
        java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                // The space of "Bearer <token>" is not allowed in a subprotocol: clients percent-encode it.
                .subprotocols("bearer-token-carrier", "quarkus-http-upgrade#Authorization#Bearer%20" + sue.token())
                .buildAsync(URI.create(presence.toString().replaceFirst("^http", "ws")), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket webSocket,
                            CharSequence data, boolean last) {
                        firstMessage.complete(data.toString());
                        return null;
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        try {
            assertEquals("bearer-token-carrier", socket.getSubprotocol());
            String welcome = firstMessage.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(welcome.contains("\"welcome\"") && welcome.contains(sue.id()), welcome);
        } finally {
            socket.abort();
        }
    }

    @Test
    void connectingPublishesAvailableToKafka() throws Exception {
        TestUser ann = TestUser.unique("ann");
        try (TopicReader topic = new TopicReader(Topics.PRESENCE); WsTestClient page = ann.connect(presence)) {
            JsonNode welcome = welcome(page);
            assertEquals(ann.id(), welcome.path("userId").asText());
            assertEquals("AVAILABLE", welcome.path("status").asText());
            assertTrue(welcome.path("manualStatus").isNull(), welcome::toString);
            assertFalse(welcome.path("connectionId").asText().isEmpty());

            JsonNode record = topic.await(ann.id(), v -> "AVAILABLE".equals(v.path("status").asText()),
                    "AVAILABLE for " + ann.name());
            assertEquals(ann.id(), record.path("userId").asText());
            assertFalse(record.has("manualStatus"), "no manual choice is left out: " + record);
            assertFalse(record.path("eventId").asText().isEmpty());
            assertFalse(record.path("occurredAt").asText().isEmpty());
        }
    }

    @Test
    void idleMakesTheUserAwayAndActiveMakesThemAvailableAgain() throws Exception {
        TestUser ida = TestUser.unique("ida");
        try (TopicReader topic = new TopicReader(Topics.PRESENCE); WsTestClient page = ida.connect(presence)) {
            welcome(page);
            assertEquals("AWAY", page.ok("idle", Map.of()).path("status").asText());
            assertEquals("AVAILABLE", page.ok("active", Map.of()).path("status").asText());

            topic.await(ida.id(), v -> "AWAY".equals(v.path("status").asText()), "AWAY for " + ida.name());
            await().atMost(TopicReader.DEFAULT_WAIT).untilAsserted(() -> assertEquals(
                    List.of("AVAILABLE", "AWAY", "AVAILABLE"), statuses(topic.valuesOf(ida.id()))));
        }
    }

    @Test
    void anActivePageKeepsTheUserAvailableWhileAnotherPageIsIdle() throws Exception {
        TestUser ivo = TestUser.unique("ivo");
        try (WsTestClient idlePage = ivo.connect(presence); WsTestClient activePage = ivo.connect(presence)) {
            welcome(idlePage);
            welcome(activePage);
            assertEquals("AVAILABLE", idlePage.ok("idle", Map.of()).path("status").asText());
            assertEquals("AWAY", activePage.ok("idle", Map.of()).path("status").asText());
            assertEquals("AVAILABLE", idlePage.ok("active", Map.of()).path("status").asText());
        }
    }

    @Test
    void manualDndSurvivesDisconnectAndReconnect() throws Exception {
        TestUser dan = TestUser.unique("dan");
        try (TopicReader topic = new TopicReader(Topics.PRESENCE)) {
            try (WsTestClient page = dan.connect(presence)) {
                welcome(page);
                assertEquals("DND", page.ok("set_status", Map.of("status", "DND")).path("status").asText());
            }
            topic.await(dan.id(), v -> "OFFLINE".equals(v.path("status").asText())
                    && "DND".equals(v.path("manualStatus").asText()), "OFFLINE with manual DND for " + dan.name());

            try (WsTestClient again = dan.connect(presence)) {
                JsonNode welcome = welcome(again);
                assertEquals("DND", welcome.path("status").asText());
                assertEquals("DND", welcome.path("manualStatus").asText());
                assertEquals("AVAILABLE", again.ok("set_status", Collections.singletonMap("status", null))
                        .path("status").asText());
            }
        }
    }

    @Test
    void closingOnePageKeepsTheUserOnlineAndClosingTheLastMakesThemOfflineAfterTheGrace() throws Exception {
        TestUser pat = TestUser.unique("pat");
        try (TopicReader topic = new TopicReader(Topics.PRESENCE)) {
            WsTestClient first = pat.connect(presence);
            WsTestClient second = pat.connect(presence);
            welcome(first);
            welcome(second);

            first.close();
            // Twice the grace period: the user must stay online all along.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> "AVAILABLE".equals(restStatus(pat)));

            second.close();
            await().atLeast(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                    .until(() -> "OFFLINE".equals(restStatus(pat)));
            topic.await(pat.id(), v -> "OFFLINE".equals(v.path("status").asText()), "OFFLINE for " + pat.name());
            assertEquals(List.of("AVAILABLE", "OFFLINE"), statuses(topic.valuesOf(pat.id())));
        }
    }

    @Test
    void watcherReceivesStatusPushes() throws Exception {
        TestUser wes = TestUser.unique("wes");
        TestUser bea = TestUser.unique("bea");
        try (WsTestClient watcher = wes.connect(presence)) {
            welcome(watcher);
            JsonNode ack = watcher.ok("watch", Map.of("userIds", List.of(bea.id())));
            assertEquals("OFFLINE", ack.path("statuses").path(bea.id()).asText());

            try (WsTestClient watched = bea.connect(presence)) {
                welcome(watched);
                awaitStatus(watcher, bea, "AVAILABLE");
                watched.ok("set_status", Map.of("status", "DND"));
                awaitStatus(watcher, bea, "DND");
            }
            awaitStatus(watcher, bea, "OFFLINE");
        }
    }

    @Test
    void watchingMoreThan500UsersIsRefusedAndTheSocketKeepsWorking() throws Exception {
        TestUser mia = TestUser.unique("mia");
        try (WsTestClient page = mia.connect(presence)) {
            welcome(page);
            List<String> many = IntStream.range(0, 501).mapToObj(i -> "user-" + i).toList();
            JsonNode refused = page.request("watch", Map.of("userIds", many));
            assertEquals("error", refused.path("type").asText());
            assertEquals("INVALID_PAYLOAD", refused.path("payload").path("code").asText());
            assertEquals(500, page.ok("watch", Map.of("userIds", many.subList(0, 500))).path("statuses").size());
        }
    }

    @Test
    void upgradeWithoutAValidTokenIsRefused() {
        for (String token : new String[] {null, SharedInfrastructure.oidc().expiredToken("eve")}) {
            Exception refused = assertThrows(Exception.class,
                    () -> WsTestClient.connect(TestUser.ws(presence), token, "anonymous").close());
            Throwable cause = refused;
            while (cause != null && !(cause instanceof WebSocketHandshakeException)) {
                cause = cause.getCause();
            }
            assertTrue(cause != null, () -> "not refused at the handshake: " + refused);
            assertEquals(401, ((WebSocketHandshakeException) cause).getResponse().statusCode());
        }
    }

    @Test
    void malformedUnknownAndOversizedMessagesGetErrorsAndTheSocketKeepsWorking() throws Exception {
        TestUser mal = TestUser.unique("mal");
        TestUser bystander = TestUser.unique("bystander");
        try (WsTestClient page = mal.connect(presence); WsTestClient other = bystander.connect(presence)) {
            welcome(page);
            welcome(other);

            page.sendRaw("{not json");
            JsonNode notJson = awaitError(page, "BAD_MESSAGE");
            assertTrue(notJson.path("id").isNull(), notJson::toString);
            assertFalse(notJson.path("payload").path("correlationId").asText().isEmpty());
            assertFalse(notJson.path("payload").path("message").asText().isEmpty());

            JsonNode unknown = page.request("dance", Map.of());
            assertEquals("error", unknown.path("type").asText());
            assertEquals("UNKNOWN_TYPE", unknown.path("payload").path("code").asText());

            page.sendRaw("{\"id\":\"no-payload\",\"type\":\"idle\"}");
            JsonNode noPayload = page.await(m -> "no-payload".equals(m.path("id").asText()), "reply to no-payload");
            assertEquals("BAD_MESSAGE", noPayload.path("payload").path("code").asText());

            page.sendRaw("{\"id\":\"big\",\"type\":\"watch\",\"payload\":{\"userIds\":[\"" + "x".repeat(70 * 1024)
                    + "\"]}}");
            awaitError(page, "MESSAGE_TOO_LARGE");

            JsonNode offline = page.request("set_status", Map.of("status", "OFFLINE"));
            assertEquals("INVALID_PAYLOAD", offline.path("payload").path("code").asText());
            JsonNode number = page.request("set_status", Map.of("status", 5));
            assertEquals("INVALID_PAYLOAD", number.path("payload").path("code").asText());
            JsonNode missing = page.request("set_status", Map.of());
            assertEquals("INVALID_PAYLOAD", missing.path("payload").path("code").asText());

            assertTrue(page.isOpen());
            assertEquals("AWAY", page.ok("idle", Map.of()).path("status").asText());
            assertEquals("AVAILABLE", other.ok("active", Map.of()).path("status").asText());
            assertFalse(other.hasReceived(m -> "error".equals(m.path("type").asText())));
        }
    }

    @Test
    void statusCanBeChosenOverRestAndInvalidChoicesAreRefused() throws Exception {
        TestUser rex = TestUser.unique("rex");
        given().auth().oauth2(rex.token()).contentType("application/json").body("{\"status\":\"BUSY\"}")
                .when().put("/api/presence/me/status")
                .then().statusCode(400).body("code", equalTo("INVALID_PAYLOAD"));
        given().auth().oauth2(rex.token()).contentType("application/json").body("{\"status\":\"DND\"}")
                .when().put("/api/presence/me/status")
                .then().statusCode(200).body("status", equalTo("OFFLINE")).body("manualStatus", equalTo("DND"));

        try (WsTestClient page = rex.connect(presence)) {
            assertEquals("DND", welcome(page).path("status").asText());
            given().auth().oauth2(rex.token()).contentType("application/json").body("{\"status\":null}")
                    .when().put("/api/presence/me/status")
                    .then().statusCode(200).body("status", equalTo("AVAILABLE")).body("manualStatus", nullValue());
            given().auth().oauth2(rex.token()).when().get("/api/presence/me/status")
                    .then().statusCode(200).body("userId", equalTo(rex.id())).body("status", equalTo("AVAILABLE"));
        }
    }

    @Test
    void metricsCountOpenSocketsAndStatusChanges() throws Exception {
        TestUser max = TestUser.unique("max");
        try (WsTestClient page = max.connect(presence)) {
            welcome(page);
            given().when().get("/q/metrics").then().statusCode(200)
                    .body(containsString("parley_presence_sockets"))
                    .body(containsString("parley_presence_status_changes_total{status=\"AVAILABLE\""));
        }
    }

    private static JsonNode welcome(WsTestClient page) {
        return page.awaitEvent("welcome", p -> true).path("payload");
    }

    private static JsonNode awaitError(WsTestClient page, String code) {
        return page.await(m -> "error".equals(m.path("type").asText())
                && code.equals(m.path("payload").path("code").asText()), "error " + code);
    }

    private static void awaitStatus(WsTestClient watcher, TestUser user, String status) {
        watcher.awaitEvent("status", p -> user.id().equals(p.path("userId").asText())
                && status.equals(p.path("status").asText()));
    }

    private static String restStatus(TestUser user) {
        return given().auth().oauth2(user.token()).when().get("/api/presence/me/status")
                .then().statusCode(200).extract().path("status");
    }

    private static List<String> statuses(List<JsonNode> records) {
        return records.stream().map(r -> r.path("status").asText()).toList();
    }
}
