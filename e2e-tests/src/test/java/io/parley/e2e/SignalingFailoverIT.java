package io.parley.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.event.presence.PresenceStatus;
import io.parley.stack.Ports;
import io.parley.stack.QuarkusService;
import io.parley.testsupport.DirectoryFixture;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.parley.testsupport.TestUser;
import io.parley.testsupport.WsTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls survive their signaling instance (docs/protocol.md, "Sessions and resume"): two instances share the
 * database and Kafka; one is killed with SIGKILL, or stopped with SIGTERM, with calls established across both,
 * and its clients resume on the other one; both are restarted one after the other (a rolling update) and no call
 * drops; when every instance dies, the calls that were up end and make nobody busy. Grace and timeouts are a few
 * seconds here (20 s and 5 s by default).
 */
class SignalingFailoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GRACE_SECONDS = 8;
    private static final QuarkusService[] INSTANCES = new QuarkusService[2];
    private static Path jar;
    private static Path logs;
    private static int starts;
    private final List<WsTestClient> clients = new ArrayList<>();

    /** One party of a call: its user, its socket and the welcome that opened its session. */
    private record Party(String username, WsTestClient socket, JsonNode welcome) {

        String id() {
            return TestOidcIssuer.subjectOf(username);
        }
    }

    /** A party whose session moves between instances, with its one call: each socket it held, the current last. */
    private static final class MovingParty {
        private final Party party;
        private final String callId;
        private final List<WsTestClient> sockets = new ArrayList<>();
        private int instance;

        MovingParty(Party party, String callId, int instance) {
            this.party = party;
            this.callId = callId;
            this.instance = instance;
            sockets.add(party.socket());
        }

        WsTestClient socket() {
            return sockets.get(sockets.size() - 1);
        }

        void movedTo(int instance, WsTestClient socket) {
            this.instance = instance;
            sockets.add(socket);
        }

        long lastSeq() {
            return sockets.stream().mapToLong(s -> SignalingFailoverIT.lastSeq(s, callId)).max().orElse(0);
        }

        /** The types of the call's events the party received, in order, each once (a replay has the same seq). */
        List<String> callEvents() {
            Map<Long, String> bySeq = new TreeMap<>();
            for (WsTestClient socket : sockets) {
                socket.received().stream().filter(m -> callId.equals(m.at("/payload/callId").asText()))
                        .filter(m -> m.at("/payload/seq").canConvertToLong())
                        .forEach(m -> bySeq.put(m.at("/payload/seq").asLong(), m.path("type").asText()));
            }
            return List.copyOf(bySeq.values());
        }
    }

    @BeforeAll
    static void startTwoInstances() throws Exception {
        Path project = Path.of(System.getProperty("parley.project.dir", "..")).toAbsolutePath().normalize();
        jar = QuarkusService.runnableJar(project, "signaling-service");
        logs = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "signaling-failover-");
        start(0);
        start(1);
    }

    private static void start(int i) {
        Map<String, String> config = StandaloneServices.config("signaling");
        config.put("parley.signaling.resume-grace", GRACE_SECONDS + "s");
        config.put("parley.signaling.instance-timeout", "2s");
        config.put("parley.signaling.drain-timeout", "5s");
        String name = "signaling-" + (i + 1) + "-" + (++starts);
        INSTANCES[i] = QuarkusService.start(name, jar, Ports.free(), config, logs.resolve(name + ".log"), null);
        INSTANCES[i].awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        for (QuarkusService instance : INSTANCES) {
            if (instance != null) {
                instance.close();
            }
        }
    }

    /** A test that failed half-way may have left an instance down: every test starts with both up. */
    @BeforeEach
    void bothInstancesUp() {
        for (int i = 0; i < INSTANCES.length; i++) {
            if (INSTANCES[i] == null || !INSTANCES[i].process().alive()) {
                start(i);
            }
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(WsTestClient::close);
        clients.clear();
    }

    private WsTestClient connect(int instance, String username) throws Exception {
        WsTestClient client = WsTestClient.connect(URI.create(INSTANCES[instance].url().replace("http", "ws")
                + "/ws/signaling"), SharedInfrastructure.oidc().accessToken(username), username + "@" + (instance + 1));
        clients.add(client);
        return client;
    }

    private Party party(int instance, String name) throws Exception {
        String username = TestUser.uniqueName(name);
        DirectoryFixture.user(username);
        DirectoryFixture.presence(username, PresenceStatus.AVAILABLE);
        WsTestClient socket = connect(instance, username);
        return new Party(username, socket, socket.awaitEvent("welcome", p -> true).path("payload"));
    }

    /** caller calls callee (whose directory entry may take a moment to reach the instances), callee answers, media connects. */
    private static String establish(Party caller, Party callee) {
        String[] callId = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode placed = caller.socket().ok("call", Map.of("calleeId", callee.id()));
            callId[0] = placed.get("callId").asText();
            assertEquals("RINGING", placed.get("state").asText(), placed.toString());
        });
        callee.socket().ok("answer", Map.of("callId", callId[0]));
        caller.socket().awaitCallEvent("connect", callId[0]);
        callee.socket().ok("media", Map.of("callId", callId[0], "state", "connected"));
        caller.socket().awaitCallEvent("established", callId[0]);
        callee.socket().awaitCallEvent("established", callId[0]);
        return callId[0];
    }

    private static long lastSeq(WsTestClient client, String callId) {
        return client.received().stream().filter(m -> callId.equals(m.at("/payload/callId").asText()))
                .mapToLong(m -> m.at("/payload/seq").asLong()).max().orElse(0);
    }

    /** The party's session resumed on a new socket of {@code instance}: the new socket. */
    private WsTestClient resume(int instance, Party party, String callId) throws Exception {
        return resume(instance, party, callId, lastSeq(party.socket(), callId));
    }

    /** {@link #resume(int, Party, String)} having seen the call's events up to {@code lastSeq}. */
    private WsTestClient resume(int instance, Party party, String callId, long lastSeq) throws Exception {
        WsTestClient again = connect(instance, party.username());
        again.awaitEvent("welcome", p -> true);
        JsonNode resumed = again.ok("resume", Map.of("sessionId", party.welcome().path("sessionId").asText(),
                "resumeToken", party.welcome().path("resumeToken").asText(),
                "lastSeq", Map.of(callId, lastSeq)));
        assertEquals(callId, resumed.at("/calls/0/callId").asText(), resumed.toString());
        assertEquals("ESTABLISHED", resumed.at("/calls/0/state").asText());
        return again;
    }

    private static boolean heard(WsTestClient client, String type, String callId) {
        return client.hasReceived(m -> type.equals(m.path("type").asText()) && callId.equals(m.at("/payload/callId").asText()));
    }

    private static JsonNode restCall(int instance, Party party, String callId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                INSTANCES[instance].url() + "/api/signaling/calls/" + callId)).header("Authorization", "Bearer "
                + SharedInfrastructure.oidc().accessToken(party.username())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    @Test
    void everyCallOfAnInstanceKilledWithSigkillResumesThroughTheOtherAndNoneEnds() throws Exception {
        int pairs = 3;
        List<Party> callers = new ArrayList<>();
        List<Party> callees = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            callers.add(party(0, "alice"));
            callees.add(party(1, "bob"));
            calls.add(establish(callers.get(i), callees.get(i)));
        }

        long killed = System.nanoTime();
        INSTANCES[1].process().kill();
        List<Long> resumeMs = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            Party callee = callees.get(i);
            callee.socket().awaitClose(Duration.ofSeconds(10));
            WsTestClient again = resume(0, callee, calls.get(i));
            resumeMs.add(Duration.ofNanos(System.nanoTime() - killed).toMillis());
            // The other party keeps its call; media negotiation goes on through the surviving instance.
            callers.get(i).socket().ok("ice", Map.of("callId", calls.get(i), "candidate",
                    "candidate:7 1 udp 1 10.0.0.1 4007 typ host"));
            String resumedCall = calls.get(i);
            again.await(m -> "ice".equals(m.path("type").asText()) && resumedCall.equals(m.at("/payload/callId").asText()),
                    "the caller's candidate after the failover");
        }
        System.out.println("SignalingFailoverIT: resumed " + pairs + " of " + pairs + " calls after SIGKILL, ms after the kill: "
                + resumeMs);
        for (int i = 0; i < pairs; i++) {
            // If the survivor detached the dead instance's session before the resume, the caller heard it leave; then it
            // also hears it come back. (A resume that came first just took the session over.)
            WsTestClient caller = callers.get(i).socket();
            String callId = calls.get(i);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !heard(caller, "party_reconnecting", callId)
                    || heard(caller, "party_reconnected", callId));
            assertEquals("ESTABLISHED", restCall(0, callers.get(i), calls.get(i)).path("state").asText());
            callers.get(i).socket().ok("hangup", Map.of("callId", calls.get(i)));
            assertEquals("HANGUP", restCall(0, callees.get(i), calls.get(i)).path("endReason").asText());
        }
    }

    @Test
    void aStoppingInstanceAsksItsClientsToReconnectAndTheirCallsResumeOnTheOther() throws Exception {
        Party alice = party(0, "alice");
        Party bob = party(1, "bob");
        String callId = establish(alice, bob);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> INSTANCES[1].close());
        JsonNode reconnect = bob.socket().awaitEvent("reconnect", p -> true);
        assertEquals("draining", reconnect.at("/payload/reason").asText());
        WsTestClient again = resume(0, bob, callId);
        bob.socket().close();
        stopping.get(java.util.concurrent.TimeUnit.SECONDS.toMillis(30), java.util.concurrent.TimeUnit.MILLISECONDS);

        alice.socket().ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 ice-restart"));
        assertEquals("v=0 ice-restart", again.awaitCallEvent("sdp", callId).path("sdp").asText());
        assertEquals("ESTABLISHED", restCall(0, alice, callId).path("state").asText());
        // (establish may have placed a call that ended at once while the directory entry travelled: not this one.)
        assertTrue(!heard(alice.socket(), "disconnect", callId), "the call did not end for alice");
        again.ok("hangup", Map.of("callId", callId));
        alice.socket().awaitCallEvent("disconnect", callId);
    }

    /**
     * A rolling update: instance 1 is stopped (SIGTERM: its drain sends {@code reconnect}) and its clients resume
     * on instance 0, it is started again, then the same for instance 0, whose clients resume on the new instance 1.
     * Every call is still ESTABLISHED, none ended for either party, a party that saw its peer leave saw it come
     * back, and each call still relays SDP and hangs up.
     */
    @Test
    void aRollingRestartOfBothInstancesOneAfterTheOtherWithCallsUpDropsNone() throws Exception {
        // Two calls from instance 0 to instance 1, one the other way round: caller, callee, caller, callee, ...
        List<MovingParty> parties = new ArrayList<>();
        for (int[] instances : new int[][] {{0, 1}, {0, 1}, {1, 0}}) {
            Party caller = party(instances[0], "alice");
            Party callee = party(instances[1], "bob");
            String callId = establish(caller, callee);
            parties.add(new MovingParty(caller, callId, instances[0]));
            parties.add(new MovingParty(callee, callId, instances[1]));
        }

        // Instance 1 drains and is started again, then instance 0: each time its clients resume on the other one.
        for (int stopped : new int[] {1, 0}) {
            int other = 1 - stopped;
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> INSTANCES[stopped].close());
            for (MovingParty moving : parties) {
                if (moving.instance == stopped) {
                    WsTestClient draining = moving.socket();
                    assertEquals("draining", draining.awaitEvent("reconnect", p -> true).at("/payload/reason")
                            .asText());
                    moving.movedTo(other, resume(other, moving.party, moving.callId, moving.lastSeq()));
                    draining.close();
                }
            }
            stopping.get(30, TimeUnit.SECONDS);
            start(stopped);
        }

        for (int i = 0; i < parties.size(); i += 2) {
            MovingParty caller = parties.get(i);
            MovingParty callee = parties.get(i + 1);
            String callId = caller.callId;
            assertEquals("ESTABLISHED", restCall(0, caller.party, callId).path("state").asText(), callId);
            for (MovingParty moving : List.of(caller, callee)) {
                assertFalse(moving.callEvents().contains("disconnect"), moving.party.username() + ": "
                        + moving.callEvents());
                // A peer that was seen leave was seen come back.
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> moving.callEvents()
                        .lastIndexOf("party_reconnecting") <= moving.callEvents().lastIndexOf("party_reconnected"));
            }
            // The call still negotiates through the restarted instances, and hangs up.
            caller.socket().ok("sdp", Map.of("callId", callId, "sdpType", "offer", "sdp", "v=0 rolled"));
            assertEquals("v=0 rolled", callee.socket().awaitCallEvent("sdp", callId).path("sdp").asText());
            callee.socket().ok("hangup", Map.of("callId", callId));
            assertEquals("HANGUP", caller.socket().awaitCallEvent("disconnect", callId).path("reason").asText());
        }
    }

    @Test
    void whenEveryInstanceDiesTheCallsThatWereUpEndAndNobodyIsBusyAfterTheRestart() throws Exception {
        Party alice = party(0, "alice");
        Party bob = party(1, "bob");
        String callId = establish(alice, bob);
        INSTANCES[0].process().kill();
        INSTANCES[1].process().kill();
        start(0);
        start(1);
        Awaitility.await().atMost(Duration.ofSeconds(GRACE_SECONDS + 20)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode call = restCall(1, bob, callId);
                    assertEquals("ENDED", call.path("state").asText(), call.toString());
                    assertEquals("FAILED", call.path("endReason").asText());
                });
        Party alice2 = new Party(alice.username(), connect(0, alice.username()), null);
        alice2.socket().awaitEvent("welcome", p -> true);
        Party bob2 = new Party(bob.username(), connect(1, bob.username()), null);
        bob2.socket().awaitEvent("welcome", p -> true);
        String next = establish(alice2, bob2);
        alice2.socket().ok("hangup", Map.of("callId", next));
    }
}
