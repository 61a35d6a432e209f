package io.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.stack.LocalStack;
import io.parley.stack.Ports;
import io.parley.stack.Postgres;
import io.parley.stack.QuarkusService;
import io.parley.testsupport.WsTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/run resilience [--calls 100]} against a running {@code ./parley up}: starts two signaling instances of
 * its own on the stack's Kafka, PostgreSQL and Keycloak, establishes N calls with every caller on the first and
 * every callee on the second, kills the second with SIGKILL, and has each callee reconnect to the first and resume
 * its session. Prints the calls live before, resumed, ended and stuck (not resumed and still open once the resume
 * grace and the instance timeout have passed), and the time from the kill to each resume (p50/p99).
 */
final class ResilienceBench {

    private static final String PASSWORD = "bench-password-" + "demo";
    private static final Duration GRACE = Duration.ofSeconds(20);
    private static final Duration INSTANCE_TIMEOUT = Duration.ofSeconds(5);

    private final String keycloakUrl;
    private final String presenceWs;
    private final String presenceHttp;
    private final int calls;

    ResilienceBench(String host, int calls) {
        LocalStack.PortPlan ports = LocalStack.PortPlan.standard();
        this.keycloakUrl = "http://" + host + ":" + ports.keycloak();
        this.presenceWs = "ws://" + host + ":" + ports.services().get("presence") + "/ws/presence";
        this.presenceHttp = "http://" + host + ":" + ports.services().get("presence");
        this.calls = calls;
    }

    /** One call: its parties' users and sockets, and the callee's session. */
    private static final class Call {
        Keycloak.User caller;
        Keycloak.User callee;
        WsTestClient callerSocket;
        WsTestClient calleeSocket;
        JsonNode calleeWelcome;
        String id;
        WsTestClient resumedSocket;
        long resumedAfterMs = -1;
        String failure;
    }

    void run() throws Exception {
        Keycloak keycloak = new Keycloak(keycloakUrl);
        String admin = keycloak.adminToken("admin", "admin");
        System.out.printf("preparing %d users in Keycloak...%n", 2 * calls);
        List<Call> all = new ArrayList<>();
        List<WsTestClient> presence = new ArrayList<>();
        for (int i = 1; i <= calls; i++) {
            Call call = new Call();
            String caller = String.format("bench-r%03d-a", i);
            String callee = String.format("bench-r%03d-b", i);
            keycloak.ensureUser(admin, caller, PASSWORD);
            keycloak.ensureUser(admin, callee, PASSWORD);
            call.caller = keycloak.signIn(caller, PASSWORD);
            call.callee = keycloak.signIn(callee, PASSWORD);
            all.add(call);
        }
        announceToDirectory(all.get(0).caller.token());

        LocalStack.PortPlan ports = LocalStack.PortPlan.standard();
        Path project = Path.of("").toAbsolutePath();
        Path jar = QuarkusService.runnableJar(project, "signaling-service");
        Path logs = Files.createTempDirectory(Path.of("bench/target").toAbsolutePath(), "resilience-");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.host", "127.0.0.1");
        config.put("kafka.bootstrap.servers", "127.0.0.1:" + ports.kafka());
        config.put("quarkus.oidc.auth-server-url", keycloakUrl + "/realms/parley");
        config.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + ports.postgres() + "/signaling");
        config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/signaling");
        config.put("quarkus.datasource.username", Postgres.USER);
        config.put("quarkus.datasource.password", Postgres.PASSWORD);
        System.out.printf("starting two signaling instances (logs: %s)...%n", logs);
        QuarkusService first = QuarkusService.start("signaling-a", jar, Ports.free(), config, logs.resolve("a.log"), null);
        QuarkusService second = QuarkusService.start("signaling-b", jar, Ports.free(), config, logs.resolve("b.log"), null);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            first.awaitReady(Duration.ofSeconds(120));
            second.awaitReady(Duration.ofSeconds(120));
            for (Call call : all) {
                // A page of each user keeps a presence socket: that is what makes them AVAILABLE.
                presence.add(WsTestClient.connect(URI.create(presenceWs), call.caller.token(), call.caller.username()));
                presence.add(WsTestClient.connect(URI.create(presenceWs), call.callee.token(), call.callee.username()));
            }
            System.out.printf("establishing %d calls (callers on %s, callees on %s)...%n", calls, first.name(), second.name());
            List<Future<?>> establishing = new ArrayList<>();
            for (Call call : all) {
                establishing.add(pool.submit(() -> {
                    establish(call, first, second);
                    return null;
                }));
            }
            for (Future<?> f : establishing) {
                f.get(120, TimeUnit.SECONDS);
            }
            long live = all.stream().filter(c -> c.failure == null).count();

            System.out.printf("killing %s (SIGKILL) with %d calls up...%n", second.name(), live);
            long killed = System.nanoTime();
            second.process().kill();
            List<Future<?>> resuming = new ArrayList<>();
            for (Call call : all) {
                if (call.failure == null) {
                    resuming.add(pool.submit(() -> {
                        resume(call, first, killed);
                        return null;
                    }));
                }
            }
            for (Future<?> f : resuming) {
                f.get(120, TimeUnit.SECONDS);
            }
            long resumed = all.stream().filter(c -> c.resumedSocket != null).count();
            if (resumed < live) {
                // Calls not resumed must end by themselves once the grace passes.
                Thread.sleep(GRACE.plus(INSTANCE_TIMEOUT).plusSeconds(5).toMillis());
            }
            int ended = 0;
            int stuck = 0;
            for (Call call : all) {
                if (call.id == null) {
                    continue;
                }
                String state = state(first, call);
                if ("ENDED".equals(state)) {
                    ended++;
                } else if (call.resumedSocket == null) {
                    stuck++;
                }
            }
            Latencies resume = new Latencies();
            all.stream().filter(c -> c.resumedAfterMs >= 0).forEach(c -> resume.add(c.resumedAfterMs * 1000));
            System.out.println();
            System.out.printf("calls live before the kill: %d of %d%n", live, calls);
            System.out.printf("resumed:                    %d%n", resumed);
            System.out.printf("ended:                      %d%n", ended);
            System.out.printf("stuck:                      %d (not resumed, still open after grace + instance timeout)%n", stuck);
            System.out.printf("kill -> resumed:            %s%n", resume.summary());
            List<String> failures = all.stream().filter(c -> c.failure != null).map(c -> c.failure).distinct().limit(5).toList();
            System.out.printf("failures:                   %s%n", failures.isEmpty() ? "none" : failures);
            for (Call call : all) {
                if (call.resumedSocket != null) {
                    call.callerSocket.send("hangup", Map.of("callId", call.id));
                }
            }
        } finally {
            pool.shutdownNow();
            for (Call call : all) {
                for (WsTestClient socket : new WsTestClient[] {call.callerSocket, call.calleeSocket, call.resumedSocket}) {
                    if (socket != null) {
                        socket.close();
                    }
                }
            }
            presence.forEach(WsTestClient::close);
            first.close();
            second.close();
        }
    }

    private void establish(Call call, QuarkusService callers, QuarkusService callees) {
        try {
            call.callerSocket = connect(callers, call.caller);
            call.calleeSocket = connect(callees, call.callee);
            call.calleeWelcome = call.calleeSocket.awaitEvent("welcome", p -> true).path("payload");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                JsonNode reply = call.callerSocket.request("call", Map.of("calleeId", call.callee.id()));
                if ("ack".equals(reply.path("type").asText()) && "RINGING".equals(reply.at("/payload/state").asText())) {
                    call.id = reply.at("/payload/callId").asText();
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the call does not ring: " + reply);
                }
                Thread.sleep(500);   // the callee's presence is still on its way to the instances
            }
            call.calleeSocket.ok("answer", Map.of("callId", call.id));
            call.calleeSocket.ok("media", Map.of("callId", call.id, "state", "connected"));
            call.callerSocket.awaitCallEvent("established", call.id);
        } catch (Exception | AssertionError e) {
            call.failure = "establish: " + e.getMessage();
        }
    }

    private void resume(Call call, QuarkusService survivor, long killed) {
        try {
            call.calleeSocket.awaitClose(Duration.ofSeconds(30));
            WsTestClient again = connect(survivor, call.callee);
            again.awaitEvent("welcome", p -> true);
            long lastSeq = call.calleeSocket.received().stream().filter(m -> call.id.equals(m.at("/payload/callId").asText()))
                    .mapToLong(m -> m.at("/payload/seq").asLong()).max().orElse(0);
            JsonNode ack = again.ok("resume", Map.of("sessionId", call.calleeWelcome.path("sessionId").asText(),
                    "resumeToken", call.calleeWelcome.path("resumeToken").asText(), "lastSeq", Map.of(call.id, lastSeq)));
            if (!call.id.equals(ack.at("/calls/0/callId").asText())) {
                throw new IllegalStateException("resumed without the call: " + ack);
            }
            call.resumedAfterMs = Duration.ofNanos(System.nanoTime() - killed).toMillis();
            call.resumedSocket = again;
        } catch (Exception | AssertionError e) {
            call.failure = "resume: " + e.getMessage();
        }
    }

    private static WsTestClient connect(QuarkusService instance, Keycloak.User user) throws Exception {
        return WsTestClient.connect(URI.create(instance.url().replace("http", "ws") + "/ws/signaling"), user.token(),
                user.username() + "@" + instance.name());
    }

    private static String state(QuarkusService instance, Call call) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(instance.url()
                + "/api/signaling/calls/" + call.id)).header("Authorization", "Bearer " + call.caller.token()).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? BenchSocket.JSON.readTree(response.body()).path("state").asText()
                : "HTTP " + response.statusCode();
    }

    private void announceToDirectory(String token) throws Exception {
        // A search brings the users it finds into the directory; at most 100 per search, so ten numbers at a time.
        HttpClient http = HttpClient.newHttpClient();
        for (int tens = 0; tens <= calls / 10; tens++) {
            HttpResponse<String> found = http.send(HttpRequest.newBuilder(URI.create(presenceHttp
                    + "/api/presence/users?limit=100&search=" + String.format("bench-r%02d", tens)))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            if (found.statusCode() != 200) {
                throw new IllegalStateException("directory search failed: HTTP " + found.statusCode() + " " + found.body());
            }
        }
    }
}
