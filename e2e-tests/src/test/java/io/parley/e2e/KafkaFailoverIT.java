package io.parley.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.event.Topics;
import io.parley.event.call.CallEvent;
import io.parley.event.call.CallEventType;
import io.parley.event.presence.PresenceStatus;
import io.parley.stack.KafkaBroker;
import io.parley.stack.Ports;
import io.parley.stack.QuarkusService;
import io.parley.testsupport.DirectoryFixture;
import io.parley.testsupport.KafkaTestClient;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.parley.testsupport.TestUser;
import io.parley.testsupport.WsTestClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Production runs three Kafka brokers: this test starts a three-node KRaft cluster (the same Maven artifacts as the
 * local stack), two signaling instances and notification-service on it (replication factor 3), and keeps calls
 * going between a caller on one instance and a callee on the other, whose page hears of each call on its
 * notification socket, while one broker is killed with SIGKILL. Every call's notification, relayed messages
 * ({@code connect}, {@code disconnect}: the parties are on different instances) and Kafka events arrive; the setup
 * delay (call sent to the callee's page notified) during the failover is printed.
 */
class KafkaFailoverIT {

    private static final int PAIRS = 6;
    /** Calls completed before the kill, and after it, before the load stops. */
    private static final int CALLS_BEFORE = 20;
    private static final int CALLS_AFTER = 40;
    /** Long enough for a broker's partitions to move to the others (its session times out after 4 s). */
    private static final Duration FAILOVER_WAIT = Duration.ofSeconds(45);
    private static List<KafkaBroker> brokers;
    private static final List<QuarkusService> services = new ArrayList<>();
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "kafka-failover-");
        brokers = KafkaBroker.startCluster(dir, 3, dir);
        for (KafkaBroker broker : brokers) {
            broker.awaitReady(Duration.ofSeconds(90));
        }
        bootstrap = KafkaBroker.bootstrapServers(brokers);
        Path project = Path.of(System.getProperty("parley.project.dir", "..")).toAbsolutePath().normalize();
        for (String name : List.of("signaling-1", "signaling-2", "notification")) {
            String module = name.startsWith("signaling") ? "signaling-service" : "notification-service";
            String database = name.startsWith("signaling") ? "signaling" : "notification";
            Map<String, String> config = StandaloneServices.config(database, bootstrap);
            config.put("parley.kafka.replication-factor", "3");
            services.add(QuarkusService.start(name, QuarkusService.runnableJar(project, module), Ports.free(), config,
                    dir.resolve(name + ".log"), null));
        }
        for (QuarkusService service : services) {
            service.awaitReady(Duration.ofSeconds(120));
        }
    }

    @AfterAll
    static void stop() {
        services.forEach(QuarkusService::close);
        if (brokers != null) {
            brokers.forEach(KafkaBroker::close);
        }
    }

    private static WsTestClient socket(QuarkusService service, String path, String username) throws Exception {
        WsTestClient client = WsTestClient.connect(URI.create(service.url().replace("http", "ws") + path),
                SharedInfrastructure.oidc().accessToken(username), username + "@" + service.name());
        client.awaitEvent("welcome", p -> true);
        return client;
    }

    /** One call's timings: ms from the kill (negative: before it) and the setup delay. */
    private record Setup(long sentMsAfterKill, long setupMs) {
    }

    @Test
    void killingOneOfThreeBrokersUnderCallLoadLosesNoEventRelayMessageOrNotification() throws Exception {
        QuarkusService callers = services.get(0);
        QuarkusService callees = services.get(1);
        QuarkusService notifications = services.get(2);
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            String alice = TestUser.uniqueName("alice");
            String bob = TestUser.uniqueName("bob");
            for (String user : List.of(alice, bob)) {
                DirectoryFixture.user(bootstrap, user);
                DirectoryFixture.presence(bootstrap, user, PresenceStatus.AVAILABLE);
            }
            pairs.add(new String[] {alice, bob});
        }
        Set<String> calls = ConcurrentHashMap.newKeySet();
        List<Setup> setups = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong killedAt = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(PAIRS);
        List<Future<?>> loops = new ArrayList<>();
        for (String[] pair : pairs) {
            loops.add(pool.submit(() -> {
                try (WsTestClient caller = socket(callers, "/ws/signaling", pair[0]);
                        WsTestClient callee = socket(callees, "/ws/signaling", pair[1]);
                        WsTestClient page = socket(notifications, "/ws/notifications", pair[1])) {
                    String calleeId = TestOidcIssuer.subjectOf(pair[1]);
                    // The directory entries travel through Kafka to both instances first.
                    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                        JsonNode reply = caller.request("call", Map.of("calleeId", calleeId));
                        if (!"ack".equals(reply.path("type").asText())) {
                            return false;
                        }
                        String first = reply.at("/payload/callId").asText();
                        caller.request("cancel", Map.of("callId", first));
                        return "RINGING".equals(reply.at("/payload/state").asText());
                    });
                    while (running.get()) {
                        long sent = System.nanoTime();
                        String callId = caller.ok("call", Map.of("calleeId", calleeId)).path("callId").asText();
                        calls.add(callId);
                        page.await(FAILOVER_WAIT, 0, m -> "incoming_call".equals(m.path("type").asText())
                                && callId.equals(m.at("/payload/callId").asText()), "incoming_call " + callId);
                        setups.add(new Setup(TimeUnit.NANOSECONDS.toMillis(sent - killedAt.get()),
                                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent)));
                        callee.ok("answer", Map.of("callId", callId));
                        caller.await(FAILOVER_WAIT, 0, m -> "connect".equals(m.path("type").asText())
                                && callId.equals(m.at("/payload/callId").asText()), "connect " + callId);
                        caller.ok("hangup", Map.of("callId", callId));
                        callee.await(FAILOVER_WAIT, 0, m -> "disconnect".equals(m.path("type").asText())
                                && callId.equals(m.at("/payload/callId").asText()), "disconnect " + callId);
                        completed.incrementAndGet();
                    }
                } catch (Exception | AssertionError e) {
                    failures.add(pair[0] + ": " + e.getMessage());
                }
                return null;
            }));
        }
        long start = System.nanoTime();
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2))
                .until(() -> completed.get() >= CALLS_BEFORE || !failures.isEmpty());
        KafkaBroker victim = brokers.get(0);
        long killSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        killedAt.set(System.nanoTime());
        victim.process().kill();
        int atKill = completed.get();
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(3))
                .until(() -> completed.get() >= atKill + CALLS_AFTER || !failures.isEmpty());
        running.set(false);
        for (Future<?> loop : loops) {
            loop.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertTrue(failures.isEmpty(), "calls that lost a notification or relay message: " + failures);

        // Every call's events are on the (surviving) brokers, in order.
        List<CallEvent> events = KafkaTestClient.await(bootstrap, Topics.CALL_EVENTS, CallEvent.class,
                e -> calls.contains(e.callId()), 3 * calls.size(), Duration.ofSeconds(60));
        Map<String, List<CallEventType>> byCall = new LinkedHashMap<>();
        events.forEach(e -> byCall.computeIfAbsent(e.callId(), id -> new ArrayList<>()).add(e.type()));
        Set<String> wrong = new HashSet<>();
        byCall.forEach((id, types) -> {
            if (!types.equals(List.of(CallEventType.INVITED, CallEventType.ANSWERED, CallEventType.ENDED))) {
                wrong.add(id + " " + types);
            }
        });
        assertEquals(calls.size(), byCall.size(), "every call's events");
        assertTrue(wrong.isEmpty(), "events out of order or duplicated: " + wrong);

        List<Long> before = setups.stream().filter(s -> s.sentMsAfterKill() < 0).map(Setup::setupMs).sorted().toList();
        List<Long> after = setups.stream().filter(s -> s.sentMsAfterKill() >= 0 && s.sentMsAfterKill() < 15_000)
                .map(Setup::setupMs).sorted().toList();
        System.out.printf("KafkaFailoverIT: %d calls in %d s, broker %s killed after %d s; setup delay before the kill: "
                        + "p50 %d ms, max %d ms (%d calls); in the 15 s after it: p50 %d ms, max %d ms (%d calls)%n",
                calls.size(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), victim.bootstrapServers(),
                killSeconds, pct(before, 50), pct(before, 100), before.size(), pct(after, 50),
                pct(after, 100), after.size());
        assertTrue(!after.isEmpty(), "calls were placed during the failover");
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
