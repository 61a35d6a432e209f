package io.parley.signaling;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.event.Topics;
import io.parley.event.call.CallEvent;
import io.parley.event.call.CallEventType;
import io.parley.event.call.EndReason;
import io.parley.event.presence.PresenceStatus;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.KafkaTestClient;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Complete calls over real sockets, with real Kafka, PostgreSQL and OIDC: every outcome both parties
 * see, the events published, and what the record says afterwards.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "signaling"))
@WithTestResource(OidcResource.class)
class CallFlowIT extends SignalingTestBase {

    private static List<CallEvent> eventsOf(String callId, int count) {
        return KafkaTestClient.await(Topics.CALL_EVENTS, CallEvent.class, e -> callId.equals(e.callId()), count,
                Duration.ofSeconds(20));
    }

    private static Map<String, Object> call(String callee) {
        return Map.of("calleeId", id(callee), "audio", true, "video", true);
    }

    @Test
    void answeredCallNegotiatesMediaAndHangupEndsItForBothWithDuration() throws Exception {
        // A normal call logs no warning (Hibernate Reactive once warned on every transition: four per call).
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler warned = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record.getLoggerName() + ": " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger hibernate = java.util.logging.Logger.getLogger("org.hibernate");
        hibernate.addHandler(warned);
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);

        JsonNode placed = a.ok("call", call(bob));
        String callId = placed.get("callId").asText();
        assertEquals("RINGING", placed.get("state").asText());
        assertEquals("RINGING", a.awaitCallEvent("progress", callId).get("state").asText());
        // The callee's pages hear of it from the INVITED event (notification-service), not from signaling.
        CallEvent invited = eventsOf(callId, 1).get(0);
        assertEquals(id(alice), invited.caller().id());
        assertEquals("Alice-" + alice.substring(6), invited.caller().name());
        assertFalse(b.hasReceived(m -> "incoming_call".equals(m.path("type").asText())), b.received().toString());

        assertEquals("ANSWERED", b.ok("answer", Map.of("callId", callId)).get("state").asText());
        a.awaitCallEvent("connect", callId);
        b.awaitCallEvent("connect", callId);

        a.ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 offer-from-alice"));
        assertEquals("v=0 offer-from-alice", b.awaitCallEvent("sdp", callId).get("sdp").asText());
        a.ok("ice", Map.of("callId", callId, "candidate", "candidate:1 1 udp 1 10.0.0.1 4000 typ host", "sdpMid", "0",
                "sdpMLineIndex", 0));
        assertEquals("0", b.awaitCallEvent("ice", callId).get("sdpMid").asText());
        b.ok("sdp", Map.of("callId", callId, "sdpType", "answer", "sdp", "v=0 answer-from-bob"));
        assertEquals("answer", a.awaitCallEvent("sdp", callId).get("sdpType").asText());
        // ESTABLISHED means media: an answer relayed is not enough, a party's peer connection must report connected.
        assertEquals("ANSWERED", a.ok("list_calls", Map.of()).at("/calls/0/state").asText());
        assertEquals("ESTABLISHED", b.ok("media", Map.of("callId", callId, "state", "connected")).get("state").asText());
        a.awaitCallEvent("established", callId);
        b.awaitCallEvent("established", callId);
        b.ok("ice", Map.of("callId", callId, "candidate", "candidate:2 1 udp 1 10.0.0.2 4001 typ host"));
        a.awaitCallEvent("ice", callId);
        b.ok("end_of_candidates", Map.of("callId", callId));
        a.awaitCallEvent("end_of_candidates", callId);

        assertEquals("ENDED", a.ok("hangup", Map.of("callId", callId)).get("state").asText());
        for (WsTestClient party : List.of(a, b)) {
            JsonNode disconnect = party.awaitCallEvent("disconnect", callId);
            assertEquals("HANGUP", disconnect.get("reason").asText());
            assertEquals(200, disconnect.get("status").asInt());
            assertEquals(id(alice), disconnect.get("endedBy").asText());
        }

        hibernate.removeHandler(warned);
        assertEquals(List.of(), warnings, "warnings logged during the call");

        // Each party's events of the call are numbered in the order they happened.
        for (WsTestClient party : List.of(a, b)) {
            List<Long> seqs = party.received().stream().filter(m -> callId.equals(m.at("/payload/callId").asText())
                    && !List.of("ack", "error").contains(m.path("type").asText()))
                    .map(m -> m.at("/payload/seq").asLong()).toList();
            assertTrue(seqs.size() >= 5 && seqs.get(0) >= 1, seqs.toString());
            for (int i = 1; i < seqs.size(); i++) {
                assertTrue(seqs.get(i) > seqs.get(i - 1), "increasing: " + seqs);
            }
        }

        List<CallEvent> events = eventsOf(callId, 4);
        assertEquals(List.of(CallEventType.INVITED, CallEventType.ANSWERED, CallEventType.ESTABLISHED, CallEventType.ENDED),
                events.stream().map(CallEvent::type).toList());
        assertEquals(Boolean.TRUE, events.get(0).ring());
        assertEquals(EndReason.HANGUP, events.get(3).endReason());

        given().auth().oauth2(token(bob)).when().get("/api/signaling/calls/" + callId).then().statusCode(200)
                .body("state", equalTo("ENDED")).body("endReason", equalTo("HANGUP"))
                .body("caller.id", equalTo(id(alice))).body("callee.id", equalTo(id(bob)))
                .body("answeredAt", org.hamcrest.Matchers.notNullValue())
                .body("establishedAt", org.hamcrest.Matchers.notNullValue())
                .body("durationMs", org.hamcrest.Matchers.greaterThanOrEqualTo(0));
        given().auth().oauth2(token(alice)).when().get("/api/signaling/calls?page=0&size=5").then().statusCode(200)
                .body("total", equalTo(1)).body("calls[0].callId", equalTo(callId));
    }

    @Test
    void declinedCallEndsForBothAsDeclined() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String callId = a.ok("call", call(bob)).get("callId").asText();
        b.ok("decline", Map.of("callId", callId));
        assertEquals("DECLINED", a.awaitCallEvent("disconnect", callId).get("reason").asText());
        assertEquals(603, b.awaitCallEvent("disconnect", callId).get("status").asInt());
        assertEquals(EndReason.DECLINED, eventsOf(callId, 2).get(1).endReason());
    }

    @Test
    void calleeDeclinesFromAPageWithoutASignalingSocket() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        String callId = a.ok("call", call(bob)).get("callId").asText();
        given().auth().oauth2(token(bob)).when().post("/api/signaling/calls/" + callId + "/decline").then()
                .statusCode(200).body("state", equalTo("ENDED")).body("endReason", equalTo("DECLINED"));
        assertEquals("DECLINED", a.awaitCallEvent("disconnect", callId).get("reason").asText());
    }

    @Test
    void callerCancelsBeforeAnswerAndCalleeLearnsIt() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String callId = a.ok("call", call(bob)).get("callId").asText();
        a.ok("cancel", Map.of("callId", callId));
        assertEquals("CANCELLED", b.awaitCallEvent("disconnect", callId).get("reason").asText());
        assertEquals("CANCELLED", a.awaitCallEvent("disconnect", callId).get("reason").asText());
        CallEvent ended = eventsOf(callId, 2).get(1);
        assertEquals(EndReason.CANCELLED, ended.endReason());
        assertEquals(0L, ended.durationMs());
    }

    @Test
    void calleeInAConnectedCallMakesTheNextCallerBusy() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        String carol = user("carol", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        WsTestClient c = connect(carol);
        String first = a.ok("call", call(bob)).get("callId").asText();
        b.ok("answer", Map.of("callId", first));

        JsonNode second = c.ok("call", call(bob));
        assertEquals("ENDED", second.get("state").asText());
        JsonNode disconnect = c.awaitCallEvent("disconnect", second.get("callId").asText());
        assertEquals("BUSY", disconnect.get("reason").asText());
        assertEquals(486, disconnect.get("status").asInt());
        assertEquals(List.of(CallEventType.ENDED),
                eventsOf(second.get("callId").asText(), 1).stream().map(CallEvent::type).toList());
    }

    @Test
    void calleeOnDndGetsMissedCallNotRinging() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.DND);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        JsonNode placed = a.ok("call", call(bob));
        String callId = placed.get("callId").asText();
        assertEquals("ENDED", placed.get("state").asText());
        assertEquals("UNAVAILABLE", a.awaitCallEvent("disconnect", callId).get("reason").asText());
        // The callee's sockets hear the end of a call that never rang for them, and never an incoming call.
        b.awaitCallEvent("disconnect", callId);
        assertFalse(b.hasReceived(m -> "incoming_call".equals(m.path("type").asText())), b.received().toString());
        CallEvent ended = eventsOf(callId, 1).get(0);
        assertEquals(EndReason.UNAVAILABLE, ended.endReason());
        assertTrue(ended.endReason().missedByCallee());
    }

    @Test
    void offlineCalleeIsUnavailable() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.OFFLINE);
        WsTestClient a = connect(alice);
        String callId = a.ok("call", call(bob)).get("callId").asText();
        assertEquals(480, a.awaitCallEvent("disconnect", callId).get("status").asInt());
    }

    @Test
    void unknownCalleeAndSelfCallAreClearErrors() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        JsonNode unknown = a.request("call", Map.of("calleeId", "no-such-user"));
        assertEquals("error", unknown.get("type").asText());
        assertEquals("UNKNOWN_CALLEE", unknown.at("/payload/code").asText());
        assertFalse(unknown.at("/payload/correlationId").asText().isEmpty());
        assertEquals("SELF_CALL", a.request("call", call(alice)).at("/payload/code").asText());
        assertEquals("PROVIDER_DISABLED", a.request("call", Map.of("calleeId", id(alice), "provider", "sip"))
                .at("/payload/code").asText());
    }

    @Test
    void answerRacingCancelHasExactlyOneWinner() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        for (int round = 0; round < 8; round++) {
            String callId = a.ok("call", call(bob)).get("callId").asText();
            String answerId = b.send("answer", Map.of("callId", callId));
            String cancelId = a.send("cancel", Map.of("callId", callId));
            JsonNode answer = b.await(m -> answerId.equals(m.path("id").asText()), "answer reply");
            JsonNode cancel = a.await(m -> cancelId.equals(m.path("id").asText()), "cancel reply");
            boolean answered = answer.path("type").asText().equals("ack");
            boolean cancelled = cancel.path("type").asText().equals("ack");
            assertTrue(answered ^ cancelled, "round " + round + ": answer " + answer + ", cancel " + cancel);
            JsonNode loser = answered ? cancel : answer;
            assertEquals("INVALID_STATE", loser.at("/payload/code").asText());
            if (answered) {
                a.ok("hangup", Map.of("callId", callId));
            }
            a.awaitCallEvent("disconnect", callId);
        }
    }

    @Test
    void strangerCannotActOnOrSeeSomeoneElsesCall() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        String mallory = user("mallory", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient m = connect(mallory);
        String callId = a.ok("call", call(bob)).get("callId").asText();
        for (String type : List.of("answer", "decline", "cancel", "hangup", "end_of_candidates")) {
            assertEquals("CALL_NOT_FOUND", m.request(type, Map.of("callId", callId)).at("/payload/code").asText(), type);
        }
        assertEquals("CALL_NOT_FOUND", m.request("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "x"))
                .at("/payload/code").asText());
        assertEquals("CALL_NOT_FOUND", m.request("answer", Map.of("callId", "not-a-uuid")).at("/payload/code").asText());
        given().auth().oauth2(token(mallory)).when().get("/api/signaling/calls/" + callId).then().statusCode(404)
                .body("code", equalTo("CALL_NOT_FOUND"));
        given().auth().oauth2(token(mallory)).when().post("/api/signaling/calls/" + callId + "/hangup").then()
                .statusCode(404);
        assertEquals("RINGING", a.ok("list_calls", Map.of()).at("/calls/0/state").asText());
    }

    @Test
    void outOfOrderMessagesAreRefusedWithoutEffect() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String callId = a.ok("call", call(bob)).get("callId").asText();
        assertEquals("INVALID_STATE", a.request("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "x"))
                .at("/payload/code").asText());
        assertEquals("INVALID_STATE", a.request("answer", Map.of("callId", callId)).at("/payload/code").asText());
        assertEquals("INVALID_STATE", a.request("hangup", Map.of("callId", callId)).at("/payload/code").asText());
        b.ok("answer", Map.of("callId", callId));
        assertEquals("INVALID_STATE", b.request("decline", Map.of("callId", callId)).at("/payload/code").asText());
        assertEquals("ANSWERED", a.ok("list_calls", Map.of()).at("/calls/0/state").asText());
    }

    @Test
    void malformedOversizedAndUnknownMessagesGetErrorsAndDisturbNobody() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        String carol = user("carol", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        WsTestClient c = connect(carol);
        String callId = b.ok("call", call(carol)).get("callId").asText();

        c.sendRaw("this is not json");
        c.sendRaw("{\"id\":\"x1\"}");
        c.sendRaw("{\"id\":\"x2\",\"type\":\"call\",\"payload\":[1,2]}");
        c.sendRaw("{\"id\":\"x3\",\"type\":\"launch_missiles\",\"payload\":{}}");
        c.sendRaw("{\"id\":\"x4\",\"type\":\"call\",\"payload\":{\"calleeId\":42}}");
        c.sendRaw("{\"id\":\"x5\",\"type\":\"sdp\",\"payload\":{\"callId\":\"" + callId + "\",\"sdpType\":\"offer\",\"sdp\":\""
                + "a".repeat(70_000) + "\"}}");
        List<String> codes = List.of("BAD_MESSAGE", "BAD_MESSAGE", "BAD_MESSAGE", "UNKNOWN_TYPE", "INVALID_PAYLOAD",
                "MESSAGE_TOO_LARGE");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> c.received().stream()
                .filter(m -> "error".equals(m.path("type").asText())).count() == codes.size());
        assertEquals(codes, c.received().stream().filter(m -> "error".equals(m.path("type").asText()))
                .map(m -> m.at("/payload/code").asText()).toList());
        assertEquals("x1", c.received().stream().filter(m -> "error".equals(m.path("type").asText())).toList().get(1)
                .path("id").asText());

        // The sender's socket still works, and the call between others went on untouched.
        assertTrue(c.isOpen());
        c.ok("answer", Map.of("callId", callId));
        b.awaitCallEvent("connect", callId);
        assertFalse(a.hasReceived(m -> "error".equals(m.path("type").asText())));
    }

    @Test
    void calleeWithSeveralSocketsAnswersOnOneAndMediaGoesToThatOneOnly() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b1 = connect(bob);
        WsTestClient b2 = connect(bob);
        WsTestClient b3 = connect(bob);
        String callId = a.ok("call", call(bob)).get("callId").asText();
        b3.ok("answer", Map.of("callId", callId));
        b3.awaitCallEvent("connect", callId);
        // Media goes to the answering socket only.
        a.ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0"));
        b3.awaitCallEvent("sdp", callId);
        assertEquals("INVALID_STATE", b1.request("sdp", Map.of("callId", callId, "sdpType", "answer", "sdp", "v=0"))
                .at("/payload/code").asText());
    }

    @Test
    void activeCallsAreListedOverRest() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AWAY);
        WsTestClient a = connect(alice);
        String callId = a.ok("call", call(bob)).get("callId").asText();
        given().auth().oauth2(token(bob)).when().get("/api/signaling/calls/active").then().statusCode(200)
                .body("[0].callId", equalTo(callId)).body("[0].state", equalTo("RINGING"));
        given().auth().oauth2(token(alice)).when().get("/api/signaling/calls?size=101").then().statusCode(400)
                .body("code", equalTo("INVALID_PAYLOAD"));
    }

    @Test
    void socketWithoutValidTokenIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> WsTestClient.connect(signalingUri, (String) null, "anonymous"));
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> WsTestClient.connect(signalingUri,
                io.parley.testsupport.SharedInfrastructure.oidc().expiredToken("alice"), "expired"));
    }

    @Test
    void socketClosesWhenItsTokenExpires() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        WsTestClient a = WsTestClient.connect(signalingUri,
                io.parley.testsupport.SharedInfrastructure.oidc().shortLivedToken(alice, 2), alice);
        a.awaitEvent("welcome", p -> true);
        WsTestClient.CloseStatus closed = a.awaitClose(Duration.ofSeconds(30));
        assertEquals(1008, closed.code(), closed.toString());
        assertEquals("Authentication expired", closed.reason(), closed.toString());
    }

    @Test
    void aFreshTokenKeepsTheSocketAndItsCallPastTheFirstTokensExpiry() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        java.time.Instant firstExpiry = java.time.Instant.now().plusSeconds(4);
        WsTestClient a = WsTestClient.connect(signalingUri,
                io.parley.testsupport.SharedInfrastructure.oidc().shortLivedToken(alice, 4), alice);
        a.awaitEvent("welcome", p -> true);
        WsTestClient b = connect(bob);
        String callId = a.ok("call", call(bob)).get("callId").asText();
        b.ok("answer", Map.of("callId", callId));

        JsonNode refreshed = a.ok("refresh_token", Map.of("accessToken", token(alice)));
        assertTrue(java.time.Instant.parse(refreshed.get("expiresAt").asText()).isAfter(firstExpiry.plusSeconds(60)),
                refreshed.toString());

        // Watch the socket until well past the first token's expiry (plus Quarkus' check interval).
        org.awaitility.Awaitility.await().pollDelay(Duration.between(java.time.Instant.now(), firstExpiry.plusSeconds(3)))
                .atMost(Duration.ofSeconds(15)).until(a::isOpen);
        JsonNode calls = a.ok("list_calls", Map.of()).get("calls");
        assertEquals(callId, calls.get(0).get("callId").asText());
        assertEquals("ANSWERED", calls.get(0).get("state").asText(), "the bound call lives on");
        a.ok("hangup", Map.of("callId", callId));
        assertEquals("HANGUP", b.awaitCallEvent("disconnect", callId).get("reason").asText());
    }

    @Test
    void aRefreshWithAnotherUsersOrABadTokenIsRefusedAndChangesNothing() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String mallory = user("mallory", PresenceStatus.AVAILABLE);
        WsTestClient a = WsTestClient.connect(signalingUri,
                io.parley.testsupport.SharedInfrastructure.oidc().shortLivedToken(alice, 4), alice);
        a.awaitEvent("welcome", p -> true);

        JsonNode foreign = a.request("refresh_token", Map.of("accessToken", token(mallory)));
        assertEquals("error", foreign.path("type").asText(), foreign.toString());
        assertEquals("UNAUTHENTICATED", foreign.at("/payload/code").asText(), foreign.toString());
        JsonNode garbage = a.request("refresh_token", Map.of("accessToken", "not.a.token"));
        assertEquals("UNAUTHENTICATED", garbage.at("/payload/code").asText(), garbage.toString());
        JsonNode expired = a.request("refresh_token", Map.of("accessToken",
                io.parley.testsupport.SharedInfrastructure.oidc().expiredToken(alice)));
        assertEquals("UNAUTHENTICATED", expired.at("/payload/code").asText(), expired.toString());
        JsonNode missing = a.request("refresh_token", Map.of());
        assertEquals("INVALID_PAYLOAD", missing.at("/payload/code").asText(), missing.toString());

        WsTestClient.CloseStatus closed = a.awaitClose(Duration.ofSeconds(30));
        assertEquals(1008, closed.code(), "the first token still governs the socket: " + closed);
    }
}
