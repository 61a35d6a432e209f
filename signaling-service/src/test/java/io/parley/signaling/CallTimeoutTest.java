package io.parley.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
@TestProfile(CallTimeoutTest.ShortTimeouts.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "signaling"))
@WithTestResource(OidcResource.class)
class CallTimeoutTest extends SignalingTestBase {

    /** Timeouts of a few seconds instead of 45 s and 30 s. */
    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.signaling.ring-timeout", "2s", "parley.signaling.negotiation-timeout", "2s",
                    "parley.signaling.sweep-interval", "200ms");
        }
    }

    @Test
    void unansweredCallEndsAsNoAnswerForBothAndIsAMissedCall() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String callId = a.ok("call", Map.of("calleeId", id(bob))).get("callId").asText();
        b.awaitCallEvent("incoming_call", callId);
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
    void answeredCallThatNeverNegotiatesFails() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        String callId = a.ok("call", Map.of("calleeId", id(bob))).get("callId").asText();
        b.awaitCallEvent("incoming_call", callId);
        b.ok("answer", Map.of("callId", callId));
        JsonNode error = a.awaitCallEvent("call_error", callId);
        assertEquals("media", error.get("errorType").asText());
        assertEquals("NEGOTIATION_TIMEOUT", error.get("code").asText());
        assertEquals("FAILED", a.awaitCallEvent("disconnect", callId).get("reason").asText());
        assertEquals("FAILED", b.awaitCallEvent("disconnect", callId).get("reason").asText());
    }
}
