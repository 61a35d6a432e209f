package io.parley.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.parley.event.presence.PresenceStatus;
import io.parley.stack.Ports;
import io.parley.stack.QuarkusService;
import io.parley.testsupport.DirectoryFixture;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.parley.testsupport.WsTestClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two signaling instances sharing one database and Kafka, no sticky routing: a caller on one instance and
 * a callee on the other (or on both) complete a call, every message crossing through the Kafka relay.
 */
class TwoSignalingInstancesIT {

    private static final String ALICE = "alice-multi";
    private static final String BOB = "bob-multi";
    private static QuarkusService first;
    private static QuarkusService second;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        DirectoryFixture.user(ALICE);
        DirectoryFixture.user(BOB);
        DirectoryFixture.presence(ALICE, PresenceStatus.AVAILABLE);
        DirectoryFixture.presence(BOB, PresenceStatus.AVAILABLE);
        Path project = Path.of(System.getProperty("parley.project.dir", "..")).toAbsolutePath().normalize();
        Path jar = QuarkusService.runnableJar(project, "signaling-service");
        Map<String, String> config = StandaloneServices.config("signaling");
        Path logs = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "two-signaling-");
        first = QuarkusService.start("signaling-1", jar, Ports.free(), config, logs.resolve("signaling-1.log"), null);
        second = QuarkusService.start("signaling-2", jar, Ports.free(), config, logs.resolve("signaling-2.log"), null);
        first.awaitReady(Duration.ofSeconds(90));
        second.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        for (QuarkusService instance : new QuarkusService[] {first, second}) {
            if (instance != null) {
                instance.close();
            }
        }
    }

    private static WsTestClient connect(QuarkusService instance, String username) throws Exception {
        WsTestClient client = WsTestClient.connect(URI.create(instance.url().replace("http", "ws") + "/ws/signaling"),
                SharedInfrastructure.oidc().accessToken(username), username + "@" + instance.name());
        client.awaitEvent("welcome", p -> true);
        return client;
    }

    @Test
    void callerOnOneInstanceAndCalleeOnTheOtherCompleteACall() throws Exception {
        try (WsTestClient alice = connect(first, ALICE); WsTestClient bob = connect(second, BOB)) {
            String callId = alice.ok("call", Map.of("calleeId", TestOidcIssuer.subjectOf(BOB))).get("callId").asText();
            bob.ok("answer", Map.of("callId", callId));
            alice.awaitCallEvent("connect", callId);
            alice.ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 offer"));
            assertEquals("v=0 offer", bob.awaitCallEvent("sdp", callId).get("sdp").asText());
            for (int i = 0; i < 5; i++) {
                bob.ok("ice", Map.of("callId", callId, "candidate", "candidate:" + i + " 1 udp 1 10.0.0.2 400" + i + " typ host"));
            }
            bob.ok("sdp", Map.of("callId", callId, "sdpType", "answer", "sdp", "v=0 answer"));
            alice.awaitCallEvent("sdp", callId);
            alice.ok("media", Map.of("callId", callId, "state", "connected"));
            alice.awaitCallEvent("established", callId);
            bob.awaitCallEvent("established", callId);
            List<String> candidates = alice.received().stream().filter(m -> "ice".equals(m.path("type").asText()))
                    .map(m -> m.at("/payload/candidate").asText()).toList();
            assertEquals(5, candidates.size(), alice.received().toString());
            for (int i = 0; i < 5; i++) {
                assertEquals("candidate:" + i + " 1 udp 1 10.0.0.2 400" + i + " typ host", candidates.get(i),
                        "ICE candidates arrive in the order they were sent");
            }
            bob.ok("hangup", Map.of("callId", callId));
            assertEquals("HANGUP", alice.awaitCallEvent("disconnect", callId).get("reason").asText());
        }
    }

    @Test
    void calleeConnectedToBothInstancesAnswersOnTheOtherAndOnlyThatSocketGetsTheMedia() throws Exception {
        try (WsTestClient alice = connect(first, ALICE); WsTestClient bobHere = connect(first, BOB);
                WsTestClient bobThere = connect(second, BOB)) {
            String callId = alice.ok("call", Map.of("calleeId", TestOidcIssuer.subjectOf(BOB))).get("callId").asText();
            bobThere.ok("answer", Map.of("callId", callId));
            alice.awaitCallEvent("connect", callId);
            alice.ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 offer"));
            bobThere.awaitCallEvent("sdp", callId);
            alice.ok("hangup", Map.of("callId", callId));
            bobThere.awaitCallEvent("disconnect", callId);
            assertFalse(bobHere.hasReceived(m -> "sdp".equals(m.path("type").asText())));
        }
    }
}
