package io.parley.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.event.Topics;
import io.parley.event.call.CallEvent;
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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Calls nobody answers, and answered calls whose media never gets negotiated, end by themselves. */
@QuarkusTest
@TestProfile(CallTimeoutIT.ShortTimeouts.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "signaling"))
@WithTestResource(OidcResource.class)
class CallTimeoutIT extends SignalingTestBase {

    /** Timeouts of a few seconds instead of 45 s, 30 s, 20 s, 15 s and 5 s. */
    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.signaling.ring-timeout", "4s", "parley.signaling.negotiation-timeout", "3s",
                    "parley.signaling.resume-grace", "2s", "parley.signaling.media-recovery-timeout", "2s",
                    "parley.signaling.instance-timeout", "1s", "parley.signaling.sweep-interval", "200ms");
        }
    }

    /** alice calls bob, bob answers and reports media connected: the call's id, established. */
    private String establishedCall(WsTestClient a, WsTestClient b, String bob) {
        String callId = a.ok("call", Map.of("calleeId", id(bob))).get("callId").asText();
        b.ok("answer", Map.of("callId", callId));
        b.ok("media", Map.of("callId", callId, "state", "connected"));
        a.awaitCallEvent("established", callId);
        return callId;
    }

    /** Runs SQL on signaling's database: the injected fault of a test (an instance that died, a call left behind). */
    private static int sql(String statement, Object... params) throws Exception {
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        try (var db = java.sql.DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
                var update = db.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                update.setObject(i + 1, params[i]);
            }
            return update.executeUpdate();
        }
    }

    private static void failedBecauseAPartyVanished(WsTestClient party, String callId, String who) {
        JsonNode error = party.awaitCallEvent("call_error", callId);
        assertEquals("call_control", error.get("errorType").asText());
        assertEquals("PARTY_VANISHED", error.get("code").asText());
        assertEquals("the " + who + "'s connection was lost and did not come back within 2 s", error.get("message").asText());
        JsonNode disconnect = party.awaitCallEvent("disconnect", callId);
        assertEquals("FAILED", disconnect.get("reason").asText());
        assertTrue(disconnect.get("endedBy").isNull());
    }

    @Test
    void aPartyThatDoesNotResumeWithinTheGraceFailsTheCallAndCanBeCalledAgain() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        JsonNode bobsSession = welcome(b);
        String callId = establishedCall(a, b, bob);
        b.close();
        assertEquals(2, a.awaitCallEvent("party_reconnecting", callId).get("graceSeconds").asInt());
        failedBecauseAPartyVanished(a, callId, "callee");

        WsTestClient b2 = connect(bob);
        JsonNode late = b2.request("resume", resumeOf(bobsSession, Map.of(callId, 1L)));
        assertEquals("RESUME_REFUSED", late.at("/payload/code").asText());
        // Nobody is BUSY because of the dead call.
        String next = a.ok("call", Map.of("calleeId", id(bob))).get("callId").asText();
        assertEquals("RINGING", a.awaitCallEvent("progress", next).get("state").asText());
    }

    @Test
    void aRingingCallWhoseCallerVanishedIsCancelledAndAMissedCall() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String callId = a.ok("call", Map.of("calleeId", id(bob))).get("callId").asText();
        a.close();
        JsonNode disconnect = b.awaitCallEvent("disconnect", callId);
        assertEquals("CANCELLED", disconnect.get("reason").asText());
        assertEquals(id(alice), disconnect.get("endedBy").asText());
        assertFalse(b.hasReceived(m -> "call_error".equals(m.path("type").asText())));
    }

    @Test
    void theSessionsOfAnInstanceThatStoppedItsHeartbeatsAreDetachedAndTheirCallsEnd() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String bobsSession = welcome(b).path("sessionId").asText();
        String callId = establishedCall(a, b, bob);
        // Bob's session now looks held by an instance that died (it never sends a heartbeat).
        assertEquals(1, sql("update signaling_sessions set instance_id = ? where id = ?", "dead-" + callId,
                java.util.UUID.fromString(bobsSession)));
        assertEquals(id(bob), a.awaitCallEvent("party_reconnecting", callId).get("userId").asText());
        failedBecauseAPartyVanished(a, callId, "callee");
    }

    @Test
    void aCallLeftConnectedWithoutALiveSessionEndsAndMakesNobodyBusy() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        // As a whole-stack restart or protocol version 1 leaves it: established, no session bound.
        java.util.UUID stuck = java.util.UUID.randomUUID();
        assertEquals(1, sql("insert into calls (id, caller_id, callee_id, audio, video, provider, state, created_at, "
                + "answered_at, established_at) values (?, ?, ?, true, true, 'webrtc', 'ESTABLISHED', now(), now(), now())",
                stuck, id(alice), id(bob)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                io.restassured.RestAssured.given().auth().oauth2(token(bob)).when()
                        .get("/api/signaling/calls/" + stuck).then().statusCode(200)
                        .body("state", org.hamcrest.Matchers.equalTo("ENDED"))
                        .body("endReason", org.hamcrest.Matchers.equalTo("FAILED")));
        WsTestClient a = connect(alice);
        connect(bob);
        String next = a.ok("call", Map.of("calleeId", id(bob))).get("callId").asText();
        assertEquals("RINGING", a.awaitCallEvent("progress", next).get("state").asText());
    }

    @Test
    void mediaThatDoesNotComeBackWithinTheLimitOrThatAClientGaveUpOnFailsTheCall() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String first = establishedCall(a, b, bob);
        a.ok("media", Map.of("callId", first, "state", "reconnecting"));
        JsonNode error = b.awaitCallEvent("call_error", first);
        assertEquals("media", error.get("errorType").asText());
        assertEquals("MEDIA_FAILED", error.get("code").asText());
        assertEquals("the media connection was lost and did not come back within 2 s", error.get("message").asText());
        assertEquals("FAILED", a.awaitCallEvent("disconnect", first).get("reason").asText());

        String second = establishedCall(a, b, bob);
        b.ok("media", Map.of("callId", second, "state", "failed"));
        assertEquals("MEDIA_FAILED", a.awaitCallEvent("call_error", second).get("code").asText());
        assertEquals("FAILED", b.awaitCallEvent("disconnect", second).get("reason").asText());
    }

    @Test
    void unansweredCallEndsAsNoAnswerForBothAndIsAMissedCall() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String callId = a.ok("call", Map.of("calleeId", id(bob))).get("callId").asText();
        JsonNode disconnect = a.awaitCallEvent("disconnect", callId);
        assertEquals("NO_ANSWER", disconnect.get("reason").asText());
        assertEquals(408, disconnect.get("status").asInt());
        assertTrue(disconnect.get("endedBy").isNull());
        assertEquals("NO_ANSWER", b.awaitCallEvent("disconnect", callId).get("reason").asText());
        CallEvent ended = KafkaTestClient.await(Topics.CALL_EVENTS, CallEvent.class,
                e -> callId.equals(e.callId()) && e.endReason() != null, 1, Duration.ofSeconds(20)).get(0);
        assertEquals(EndReason.NO_ANSWER, ended.endReason());
        assertTrue(ended.endReason().missedByCallee());
    }

    @Test
    void answeredCallWhoseMediaNeverConnectsFails() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String callId = a.ok("call", Map.of("calleeId", id(bob))).get("callId").asText();
        b.ok("answer", Map.of("callId", callId));
        JsonNode error = a.awaitCallEvent("call_error", callId);
        assertEquals("media", error.get("errorType").asText());
        assertEquals("NEGOTIATION_TIMEOUT", error.get("code").asText());
        assertEquals("FAILED", a.awaitCallEvent("disconnect", callId).get("reason").asText());
        assertEquals("FAILED", b.awaitCallEvent("disconnect", callId).get("reason").asText());
    }
}
