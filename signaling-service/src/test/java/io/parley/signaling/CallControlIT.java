package io.parley.signaling;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
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
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Call control over real sockets, Kafka, PostgreSQL and OIDC (docs/protocol.md, "Hold and resume", "DTMF" and the
 * call-control REST): every transition, the races and refusals, the hold timeout, and the REST API by role.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "signaling"))
@WithTestResource(OidcResource.class)
class CallControlIT extends SignalingTestBase {

    /** An established call between two fresh users. */
    private record Established(String alice, String bob, WsTestClient a, WsTestClient b, String callId) {
    }

    private Established established() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String callId = a.ok("call", Map.of("calleeId", id(bob))).get("callId").asText();
        b.ok("answer", Map.of("callId", callId));
        a.ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 first-offer"));
        b.awaitCallEvent("sdp", callId);
        b.ok("sdp", Map.of("callId", callId, "sdpType", "answer", "sdp", "v=0 first-answer"));
        a.awaitCallEvent("sdp", callId);
        assertEquals("ESTABLISHED", a.ok("media", Map.of("callId", callId, "state", "connected")).get("state").asText());
        return new Established(alice, bob, a, b, callId);
    }

    private static List<CallEvent> eventsOf(String callId, int count) {
        return KafkaTestClient.await(Topics.CALL_EVENTS, CallEvent.class, e -> callId.equals(e.callId()), count,
                Duration.ofSeconds(20));
    }

    /** The holder renegotiates (its offer) and the other party answers: the answer confirms. */
    private static void renegotiate(WsTestClient holder, WsTestClient other, String callId, String label) {
        int from = other.received().size();
        holder.ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 " + label + "-offer a=inactive"));
        other.await(from, m -> "sdp".equals(m.path("type").asText())
                && m.at("/payload/sdp").asText().contains(label), label + " offer");
        other.ok("sdp", Map.of("callId", callId, "sdpType", "answer", "sdp", "v=0 " + label + "-answer"));
    }

    private static String code(JsonNode reply) {
        assertEquals("error", reply.path("type").asText(), reply.toString());
        return reply.at("/payload/code").asText();
    }

    @Test
    void eitherPartyHoldsAndTheHolderResumesEachConfirmedByTheOtherPartysAnswer() throws Exception {
        Established call = established();
        String callId = call.callId();

        // Bob (the callee) holds: both learn it at once, the call is HELD only once Alice's client answered.
        JsonNode ack = call.b().ok("hold", Map.of("callId", callId));
        assertEquals("ESTABLISHED", ack.get("state").asText());
        for (WsTestClient party : List.of(call.a(), call.b())) {
            assertEquals(id(call.bob()), party.awaitCallEvent("holding", callId).get("by").asText());
        }
        assertEquals("HOLD", given().auth().oauth2(token(call.alice())).get("/api/signaling/calls/" + callId)
                .then().statusCode(200).extract().path("holdPending"));
        assertFalse(call.a().hasReceived(m -> "held".equals(m.path("type").asText())));
        renegotiate(call.b(), call.a(), callId, "hold");
        for (WsTestClient party : List.of(call.a(), call.b())) {
            assertEquals(id(call.bob()), party.awaitCallEvent("held", callId).get("by").asText());
        }
        given().auth().oauth2(token(call.alice())).get("/api/signaling/calls/" + callId).then().statusCode(200)
                .body("state", equalTo("HELD")).body("heldBy", equalTo(id(call.bob())));

        // Only the holder resumes; the same renegotiation brings it back.
        assertEquals("INVALID_STATE", code(call.a().request("unhold", Map.of("callId", callId))));
        assertTrue(call.a().request("unhold", Map.of("callId", callId)).at("/payload/message").asText()
                .contains("only the party who held"));
        assertEquals("INVALID_STATE", code(call.a().request("hold", Map.of("callId", callId))));
        assertTrue(call.b().request("hold", Map.of("callId", callId)).at("/payload/message").asText()
                .contains("held already"));
        call.b().ok("unhold", Map.of("callId", callId));
        call.a().awaitCallEvent("resuming", callId);
        renegotiate(call.b(), call.a(), callId, "resume");
        for (WsTestClient party : List.of(call.a(), call.b())) {
            assertEquals(id(call.bob()), party.awaitCallEvent("resumed", callId).get("by").asText());
        }
        assertEquals("ESTABLISHED", call.a().ok("list_calls", Map.of()).at("/calls/0/state").asText());
        assertEquals("INVALID_STATE", code(call.b().request("unhold", Map.of("callId", callId))));

        List<CallEvent> events = eventsOf(callId, 5);
        assertEquals(List.of(CallEventType.INVITED, CallEventType.ANSWERED, CallEventType.ESTABLISHED,
                CallEventType.HELD, CallEventType.RESUMED), events.stream().map(CallEvent::type).toList());
        assertEquals(id(call.bob()), events.get(3).by());
        assertEquals(id(call.bob()), events.get(4).by());
    }

    @Test
    void holdNeedsAnEstablishedCallAndOneChangeAtATimeAndAStrangerCannotTouchIt() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        String mallory = user("mallory", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        WsTestClient m = connect(mallory);
        String callId = a.ok("call", Map.of("calleeId", id(bob))).get("callId").asText();
        assertEquals("INVALID_STATE", code(a.request("hold", Map.of("callId", callId))));
        b.ok("answer", Map.of("callId", callId));
        JsonNode answered = a.request("hold", Map.of("callId", callId));
        assertEquals("INVALID_STATE", code(answered));
        assertTrue(answered.at("/payload/message").asText().contains("answered"), answered.toString());
        b.ok("media", Map.of("callId", callId, "state", "connected"));

        for (String type : List.of("hold", "unhold")) {
            assertEquals("CALL_NOT_FOUND", code(m.request(type, Map.of("callId", callId))));
        }
        assertEquals("CALL_NOT_FOUND", code(m.request("dtmf", Map.of("callId", callId, "digits", "1"))));
        given().auth().oauth2(token(mallory)).post("/api/signaling/calls/" + callId + "/hold").then().statusCode(404)
                .body("code", equalTo("CALL_NOT_FOUND"));
        given().post("/api/signaling/calls/" + callId + "/hold").then().statusCode(401);

        a.ok("hold", Map.of("callId", callId));
        JsonNode again = b.request("hold", Map.of("callId", callId));
        assertEquals("INVALID_STATE", code(again));
        assertTrue(again.at("/payload/message").asText().contains("in progress"), again.toString());
        // The holder's own answer (to an offer of the other party) is no confirmation.
        b.ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 bob-offer"));
        a.ok("sdp", Map.of("callId", callId, "sdpType", "answer", "sdp", "v=0 alice-answer"));
        assertEquals("ESTABLISHED", a.ok("list_calls", Map.of()).at("/calls/0/state").asText());
    }

    @Test
    void aHoldTheOtherPartyDoesNotConfirmFailsAsTimeoutAfterTenSecondsAndLeavesTheCallAsItWas() throws Exception {
        Established call = established();
        String callId = call.callId();
        long asked = System.nanoTime();
        call.a().ok("hold", Map.of("callId", callId));
        // Alice offers, Bob's client never answers.
        call.a().ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 hold-offer a=inactive"));
        for (WsTestClient party : List.of(call.a(), call.b())) {
            JsonNode error = party.await(Duration.ofSeconds(20), 0, msg -> "hold_error".equals(msg.path("type").asText()),
                    "hold_error").path("payload");
            assertEquals("TIMEOUT", error.get("errorType").asText());
            assertEquals(id(call.alice()), error.get("by").asText());
            assertTrue(error.get("message").asText().contains("10 s"), error.toString());
        }
        long waited = Duration.ofNanos(System.nanoTime() - asked).toMillis();
        assertTrue(waited >= 9_500 && waited < 16_000, "hold_error after " + waited + " ms");
        given().auth().oauth2(token(call.bob())).get("/api/signaling/calls/" + callId).then().statusCode(200)
                .body("state", equalTo("ESTABLISHED")).body("$", not(org.hamcrest.Matchers.hasKey("holdPending")));
        // A late answer changes nothing; a new hold can be asked for.
        call.b().ok("sdp", Map.of("callId", callId, "sdpType", "answer", "sdp", "v=0 late-answer"));
        assertFalse(call.a().hasReceived(msg -> "held".equals(msg.path("type").asText())));
        call.a().ok("hold", Map.of("callId", callId));
        renegotiate(call.a(), call.b(), callId, "second-hold");
        call.b().awaitCallEvent("held", callId);
    }

    @Test
    void holdRacingHangupEndsTheCallAndNothingFollowsItsDisconnect() throws Exception {
        for (int round = 0; round < 5; round++) {
            Established call = established();
            String callId = call.callId();
            call.a().ok("hold", Map.of("callId", callId));
            call.a().ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 hold-offer"));
            call.b().await(msg -> msg.at("/payload/sdp").asText().contains("hold-offer"), "the hold offer");
            // Bob's confirming answer and Alice's hangup at once: one order or the other, never a HELD ended call.
            CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> call.b().request("sdp",
                    Map.of("callId", callId, "sdpType", "answer", "sdp", "v=0 hold-answer")));
            CompletableFuture<JsonNode> hangup = CompletableFuture.supplyAsync(
                    () -> call.a().request("hangup", Map.of("callId", callId)));
            answer.join();
            assertEquals("ack", hangup.join().path("type").asText());
            for (WsTestClient party : List.of(call.a(), call.b())) {
                party.awaitCallEvent("disconnect", callId);
                List<String> after = party.received().stream()
                        .dropWhile(msg -> !"disconnect".equals(msg.path("type").asText()))
                        .filter(msg -> callId.equals(msg.at("/payload/callId").asText()))
                        .map(msg -> msg.path("type").asText()).filter(type -> !List.of("ack", "error").contains(type))
                        .toList();
                assertEquals(List.of("disconnect"), after, "events after the disconnect");
            }
            given().auth().oauth2(token(call.bob())).get("/api/signaling/calls/" + callId).then()
                    .body("state", equalTo("ENDED")).body("endReason", equalTo("HANGUP"));
        }
    }

    @Test
    void digitsReachTheOtherPartyAndKafkaAndAnythingElseIsInvalidPayload() throws Exception {
        Established call = established();
        String callId = call.callId();
        call.a().ok("dtmf", Map.of("callId", callId, "digits", "12*#ab", "durationMs", 120, "gapMs", 60));
        JsonNode dtmf = call.b().awaitCallEvent("dtmf", callId);
        assertEquals("12*#AB", dtmf.get("digits").asText());
        assertEquals(120, dtmf.get("durationMs").asInt());
        assertEquals(60, dtmf.get("gapMs").asInt());
        assertEquals(id(call.alice()), dtmf.get("by").asText());
        assertFalse(call.a().hasReceived(msg -> "dtmf".equals(msg.path("type").asText())), "not echoed to the sender");
        given().auth().oauth2(token(call.bob())).contentType("application/json").body(Map.of("digits", "9"))
                .post("/api/signaling/calls/" + callId + "/dtmf").then().statusCode(200);
        JsonNode fromRest = call.a().awaitCallEvent("dtmf", callId);
        assertEquals("9", fromRest.get("digits").asText());
        assertEquals(100, fromRest.get("durationMs").asInt());
        assertEquals(70, fromRest.get("gapMs").asInt());

        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("callId", callId, "digits", "12x"),
                Map.of("callId", callId, "digits", ""), Map.of("callId", callId, "digits", "1".repeat(65)),
                Map.of("callId", callId, "digits", "1", "durationMs", 39),
                Map.of("callId", callId, "digits", "1", "durationMs", 6001),
                Map.of("callId", callId, "digits", "1", "gapMs", 29), Map.of("callId", callId, "digits", 5))) {
            assertEquals("INVALID_PAYLOAD", code(call.a().request("dtmf", bad)), bad.toString());
        }
        given().auth().oauth2(token(call.bob())).contentType("application/json").body(Map.of("digits", "E"))
                .post("/api/signaling/calls/" + callId + "/dtmf").then().statusCode(400)
                .body("code", equalTo("INVALID_PAYLOAD"));

        List<CallEvent> events = eventsOf(callId, 5);
        List<CallEvent> digits = events.stream().filter(e -> e.type() == CallEventType.DTMF).toList();
        assertEquals(List.of("12*#AB", "9"), digits.stream().map(CallEvent::digits).toList());
        assertEquals(List.of(id(call.alice()), id(call.bob())), digits.stream().map(CallEvent::by).toList());
        call.a().ok("hangup", Map.of("callId", callId));
        assertEquals("INVALID_STATE", code(call.a().request("dtmf", Map.of("callId", callId, "digits", "1"))));
    }

    @Test
    void holdAndResumeOverRestDriveTheHoldersCallWindow() throws Exception {
        Established call = established();
        String callId = call.callId();
        given().auth().oauth2(token(call.alice())).post("/api/signaling/calls/" + callId + "/hold").then()
                .statusCode(200).body("state", equalTo("ESTABLISHED")).body("holdPending", equalTo("HOLD"));
        // Alice's call window is told to renegotiate (holding by herself).
        assertEquals(id(call.alice()), call.a().awaitCallEvent("holding", callId).get("by").asText());
        renegotiate(call.a(), call.b(), callId, "rest-hold");
        call.a().awaitCallEvent("held", callId);
        given().auth().oauth2(token(call.alice())).get("/api/signaling/calls/connected").then().statusCode(204);
        given().auth().oauth2(token(call.bob())).post("/api/signaling/calls/" + callId + "/resume").then()
                .statusCode(409).body("code", equalTo("INVALID_STATE"));
        given().auth().oauth2(token(call.alice())).post("/api/signaling/calls/" + callId + "/resume").then()
                .statusCode(200).body("holdPending", equalTo("RESUME"));
        renegotiate(call.a(), call.b(), callId, "rest-resume");
        call.b().awaitCallEvent("resumed", callId);
        given().auth().oauth2(token(call.bob())).get("/api/signaling/calls/connected").then().statusCode(200)
                .body("callId", equalTo(callId)).body("state", equalTo("ESTABLISHED"));
    }

    @Test
    void anAdministratorFindsAndTerminatesLiveCallsAndNobodyElseCan() throws Exception {
        Established call = established();
        String callId = call.callId();
        String admin = SharedInfrastructure.oidc().adminToken();

        for (String path : List.of("/api/signaling/admin/calls", "/api/signaling/admin/calls/" + callId)) {
            given().get(path).then().statusCode(401);
            given().auth().oauth2(token(call.alice())).get(path).then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        }
        given().auth().oauth2(token(call.alice())).delete("/api/signaling/admin/calls/" + callId).then().statusCode(403);
        given().delete("/api/signaling/admin/calls/" + callId).then().statusCode(401);

        given().auth().oauth2(admin).get("/api/signaling/admin/calls?user=" + id(call.bob())).then().statusCode(200)
                .body("callId", equalTo(List.of(callId)));
        given().auth().oauth2(admin).get("/api/signaling/admin/calls?state=ESTABLISHED&limit=1000").then()
                .statusCode(200).body("callId", hasItem(callId));
        given().auth().oauth2(admin).get("/api/signaling/admin/calls?state=RINGING&user=" + id(call.bob())).then()
                .statusCode(200).body("size()", equalTo(0));
        given().auth().oauth2(admin).get("/api/signaling/admin/calls?state=LOST").then().statusCode(400)
                .body("code", equalTo("INVALID_PAYLOAD"));
        given().auth().oauth2(admin).get("/api/signaling/admin/calls?limit=0").then().statusCode(400);
        given().auth().oauth2(admin).get("/api/signaling/admin/calls/" + callId).then().statusCode(200)
                .body("state", equalTo("ESTABLISHED"));
        given().auth().oauth2(admin).get("/api/signaling/admin/calls/" + java.util.UUID.randomUUID()).then()
                .statusCode(404).body("code", equalTo("CALL_NOT_FOUND"));

        given().auth().oauth2(admin).delete("/api/signaling/admin/calls/" + callId).then().statusCode(200)
                .body("state", equalTo("ENDED")).body("endReason", equalTo("TERMINATED"));
        String adminId = id("admin");
        for (WsTestClient party : List.of(call.a(), call.b())) {
            JsonNode disconnect = party.awaitCallEvent("disconnect", callId);
            assertEquals("TERMINATED", disconnect.get("reason").asText());
            assertEquals(adminId, disconnect.get("endedBy").asText());
        }
        CallEvent ended = eventsOf(callId, 4).get(3);
        assertEquals(EndReason.TERMINATED, ended.endReason());
        assertEquals(adminId, ended.endedBy());
        given().auth().oauth2(admin).delete("/api/signaling/admin/calls/" + callId).then().statusCode(409)
                .body("code", equalTo("INVALID_STATE"));
        given().auth().oauth2(admin).get("/api/signaling/admin/calls?user=" + id(call.bob())).then().statusCode(200)
                .body("size()", equalTo(0));
    }
}
