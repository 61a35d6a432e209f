package io.parley.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.event.presence.PresenceStatus;
import io.parley.testsupport.KafkaResource;
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
 * A call outlives its socket (docs/protocol.md, "Sessions and resume"): the party whose socket closed resumes its
 * session on a new one and gets what it missed, in order; the other party hears it left and came back; refused
 * resumes change nothing.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "signaling"))
@WithTestResource(OidcResource.class)
class CallResumeIT extends SignalingTestBase {

    /** alice calls bob, bob answers: the call's id. */
    private String answeredCall(WsTestClient a, WsTestClient b, String bob) {
        String callId = a.ok("call", Map.of("calleeId", id(bob), "audio", true, "video", true)).get("callId").asText();
        b.ok("answer", Map.of("callId", callId));
        a.awaitCallEvent("connect", callId);
        b.awaitCallEvent("connect", callId);
        return callId;
    }

    @Test
    void aPartyWhoseSocketClosedResumesOnANewOneAndGetsTheEventsItMissedInOrder() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        JsonNode bobsSession = welcome(b);
        assertEquals(2, bobsSession.path("protocolVersion").asInt());
        assertEquals(20, bobsSession.path("resumeGraceSeconds").asInt());
        String callId = answeredCall(a, b, bob);
        long seen = lastSeq(b, callId);

        b.close();
        JsonNode reconnecting = a.awaitCallEvent("party_reconnecting", callId);
        assertEquals(id(bob), reconnecting.path("userId").asText());
        assertEquals(20, reconnecting.path("graceSeconds").asInt());
        // The call goes on while bob is away, and what alice sends for him is kept.
        assertEquals("ANSWERED", a.ok("list_calls", Map.of()).at("/calls/0/state").asText());
        a.ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 offer-while-away"));
        for (int i = 1; i <= 3; i++) {
            a.ok("ice", Map.of("callId", callId, "candidate", "candidate:" + i + " 1 udp 1 10.0.0.1 400" + i + " typ host"));
        }

        WsTestClient b2 = connect(bob);
        JsonNode resumed = b2.ok("resume", resumeOf(bobsSession, Map.of(callId, seen)));
        assertEquals(bobsSession.path("sessionId").asText(), resumed.path("sessionId").asText());
        assertEquals(callId, resumed.at("/calls/0/callId").asText());
        JsonNode lastIce = b2.await(m -> "ice".equals(m.path("type").asText())
                && m.at("/payload/candidate").asText().startsWith("candidate:3 "), "the last candidate, replayed");
        List<JsonNode> replayed = b2.received().stream().filter(m -> callId.equals(m.at("/payload/callId").asText())
                && List.of("sdp", "ice").contains(m.path("type").asText())).toList();
        assertEquals(List.of("sdp", "ice", "ice", "ice"), replayed.stream().map(m -> m.path("type").asText()).toList());
        assertEquals("v=0 offer-while-away", replayed.get(0).at("/payload/sdp").asText());
        for (int i = 1; i < replayed.size(); i++) {
            assertTrue(replayed.get(i).at("/payload/seq").asLong() > replayed.get(i - 1).at("/payload/seq").asLong());
        }
        assertTrue(replayed.get(0).at("/payload/seq").asLong() > seen, "nothing bob had seen is sent again");
        assertEquals(lastIce, replayed.get(3));
        a.awaitCallEvent("party_reconnected", callId);

        // The new socket holds the session now: bob's answer reaches alice, media establishes the call.
        b2.ok("sdp", Map.of("callId", callId, "sdpType", "answer", "sdp", "v=0 answer-after-resume"));
        assertEquals("v=0 answer-after-resume", a.awaitCallEvent("sdp", callId).path("sdp").asText());
        b2.ok("media", Map.of("callId", callId, "state", "connected"));
        a.awaitCallEvent("established", callId);
        b2.awaitCallEvent("established", callId);
    }

    @Test
    void aResumeWithAWrongTokenAnotherUsersSessionOrFromASocketWithCallsIsRefusedAndChangesNothing() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        String carol = user("carol", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        JsonNode bobsSession = welcome(b);
        String callId = answeredCall(a, b, bob);
        b.close();
        a.awaitCallEvent("party_reconnecting", callId);

        WsTestClient b2 = connect(bob);
        Map<String, Object> wrongToken = Map.of("sessionId", bobsSession.path("sessionId").asText(),
                "resumeToken", "not-the-token");
        assertEquals("RESUME_REFUSED", b2.request("resume", wrongToken).at("/payload/code").asText());
        assertEquals("RESUME_REFUSED", b2.request("resume", Map.of("sessionId", "not-a-session",
                "resumeToken", "x")).at("/payload/code").asText());
        assertEquals("INVALID_PAYLOAD", b2.request("resume", Map.of("sessionId", bobsSession.path("sessionId").asText(),
                "resumeToken", "x", "lastSeq", Map.of(callId, -1))).at("/payload/code").asText());
        // Stolen: carol has bob's session id and token, but it is not her session.
        WsTestClient c = connect(carol);
        JsonNode stolen = c.request("resume", resumeOf(bobsSession, Map.of()));
        assertEquals("RESUME_REFUSED", stolen.at("/payload/code").asText());
        assertEquals("unknown session or wrong resume token", stolen.at("/payload/message").asText());
        assertFalse(c.hasReceived(m -> callId.equals(m.at("/payload/callId").asText())), "carol learns nothing");
        // A socket whose own session has a call cannot take another session.
        WsTestClient a2 = connect(alice);
        String other = a2.ok("call", Map.of("calleeId", id(carol))).get("callId").asText();
        assertNotEquals(callId, other);
        assertEquals("RESUME_REFUSED", a2.request("resume", resumeOf(welcome(a), Map.of())).at("/payload/code").asText());

        assertFalse(a.hasReceived(m -> "party_reconnected".equals(m.path("type").asText())));
        b2.ok("resume", resumeOf(bobsSession, Map.of(callId, lastSeq(b, callId))));
        a.awaitCallEvent("party_reconnected", callId);
    }

    @Test
    void twoSocketsRacingToResumeOneSessionLeaveItWithExactlyOne() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        JsonNode bobsSession = welcome(b);
        String callId = answeredCall(a, b, bob);
        b.close();
        a.awaitCallEvent("party_reconnecting", callId);

        WsTestClient b2 = connect(bob);
        WsTestClient b3 = connect(bob);
        Map<String, Object> resume = resumeOf(bobsSession, Map.of(callId, lastSeq(b, callId)));
        String first = b2.send("resume", resume);
        String second = b3.send("resume", resume);
        JsonNode reply2 = b2.await(m -> first.equals(m.path("id").asText()), "b2's reply");
        JsonNode reply3 = b3.await(m -> second.equals(m.path("id").asText()), "b3's reply");
        // Either one was refused, or both won one after the other and the later one took the session from the first
        // (which is closed with 4001): exactly one socket holds it.
        List<WsTestClient> holders = new java.util.ArrayList<>();
        for (var pair : List.of(Map.entry(b2, reply2), Map.entry(b3, reply3))) {
            if ("ack".equals(pair.getValue().path("type").asText())) {
                holders.add(pair.getKey());
            } else {
                assertEquals("RESUME_REFUSED", pair.getValue().at("/payload/code").asText());
            }
        }
        assertFalse(holders.isEmpty(), "one of them resumed");
        if (holders.size() == 2) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !b2.isOpen() || !b3.isOpen());
            WsTestClient loser = b2.isOpen() ? b3 : b2;
            assertEquals(4001, loser.awaitClose(Duration.ofSeconds(10)).code());
            holders.remove(loser);
        }
        WsTestClient holder = holders.get(0);
        a.ok("ice", Map.of("callId", callId, "candidate", "candidate:9 1 udp 1 10.0.0.1 4009 typ host"));
        holder.await(m -> "ice".equals(m.path("type").asText()) && m.at("/payload/candidate").asText()
                .startsWith("candidate:9 "), "the candidate, at the socket that holds the session");
        holder.ok("hangup", Map.of("callId", callId));
        a.awaitCallEvent("disconnect", callId);
    }

    @Test
    void resumingASessionAnotherSocketStillHoldsTakesItAndClosesThatSocket() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        JsonNode bobsSession = welcome(b);
        String callId = answeredCall(a, b, bob);

        // A network change: bob's client thinks its socket is dead before the server does.
        WsTestClient b2 = connect(bob);
        b2.ok("resume", resumeOf(bobsSession, Map.of(callId, lastSeq(b, callId))));
        WsTestClient.CloseStatus closed = b.awaitClose(Duration.ofSeconds(10));
        assertEquals(4001, closed.code());
        assertEquals("Session resumed elsewhere", closed.reason());
        a.ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 to-the-new-socket"));
        b2.awaitCallEvent("sdp", callId);
        assertFalse(a.hasReceived(m -> "party_reconnecting".equals(m.path("type").asText())),
                "bob never left: " + a.received());
        // Still told he is back: a sweeper may have detached his session (and said so) while the resume read it.
        a.awaitCallEvent("party_reconnected", callId);
        assertEquals("ANSWERED", a.ok("list_calls", Map.of()).at("/calls/0/state").asText());
    }
}
