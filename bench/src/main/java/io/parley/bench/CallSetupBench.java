package io.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Places calls at a fixed rate between pairs of benchmark users through a running stack and measures:
 * call setup (call sent -> incoming_call on the callee's notification socket, i.e. their pages) and
 * answer -> established (answer sent -> callee's established, with an SDP offer/answer and the caller's
 * {@code media connected} report in between, as a browser sends it when its peer connection connects).
 * Every call is hung up right after it is established, freeing the pair.
 */
final class CallSetupBench {

    /** Where the stack listens. */
    record Target(String keycloak, String signalingWs, String notificationWs, String presenceWs, String presenceHttp,
            Path stateDir) {
    }

    private static final String PASSWORD = "bench-password-" + "demo";
    private static final String FAKE_SDP = "v=0\r\n" + "a=candidate:1 1 udp 2113937151 10.0.0.1 50000 typ host\r\n".repeat(40);

    private final Target target;
    private final int users;
    private final int rate;
    private final int seconds;
    private final Latencies setup = new Latencies();
    private final Latencies establish = new Latencies();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();

    CallSetupBench(Target target, int users, int rate, int seconds) {
        this.target = target;
        this.users = users;
        this.rate = rate;
        this.seconds = seconds;
    }

    /** A caller and a callee, used for one call at a time. */
    private final class Pair {
        final Keycloak.User caller;
        final Keycloak.User callee;
        BenchSocket callerSignaling;
        BenchSocket calleeSignaling;
        volatile boolean busy;
        volatile long sentAt;
        volatile long answeredAt;
        volatile long startedAt;
        volatile String callId;
        volatile boolean measuring;

        Pair(Keycloak.User caller, Keycloak.User callee) {
            this.caller = caller;
            this.callee = callee;
        }

        void onCallerMessage(String type, JsonNode message) {
            JsonNode p = message.path("payload");
            switch (type) {
                case "connect" -> callerSignaling.send("sdp", BenchSocket.payload().put("callId", p.path("callId").asText())
                        .put("sdpType", "offer").put("sdp", FAKE_SDP));
                // The callee's answer arrived: a browser's peer connection would now connect and say so.
                case "sdp" -> callerSignaling.send("media", BenchSocket.payload().put("callId", p.path("callId").asText())
                        .put("state", "connected"));
                case "established" -> callerSignaling.send("hangup", BenchSocket.payload().put("callId", p.path("callId").asText()));
                case "disconnect" -> busy = false;
                case "error" -> {
                    error(p.path("code").asText());
                    busy = false;
                }
                default -> {
                }
            }
        }

        void onCalleeSignaling(String type, JsonNode message) {
            JsonNode p = message.path("payload");
            switch (type) {
                case "sdp" -> calleeSignaling.send("sdp", BenchSocket.payload().put("callId", p.path("callId").asText())
                        .put("sdpType", "answer").put("sdp", FAKE_SDP));
                case "established" -> {
                    if (measuring) {
                        establish.add((System.nanoTime() - answeredAt) / 1000);
                    }
                }
                case "error" -> error(p.path("code").asText());
                default -> {
                }
            }
        }

        /** The callee's page hears of the call: that is the setup latency; then the call window answers. */
        void onCalleeNotification(String type, JsonNode message) {
            if (!"incoming_call".equals(type)) {
                return;
            }
            JsonNode p = message.path("payload");
            if (!caller.id().equals(p.path("caller").path("id").asText())) {
                return;
            }
            if (measuring) {
                setup.add((System.nanoTime() - sentAt) / 1000);
            }
            callId = p.path("callId").asText();
            answeredAt = System.nanoTime();
            calleeSignaling.send("answer", BenchSocket.payload().put("callId", callId));
        }

        void place(boolean measure) {
            busy = true;
            measuring = measure;
            startedAt = System.nanoTime();
            sentAt = startedAt;
            callerSignaling.send("call", BenchSocket.payload().put("calleeId", callee.id()).put("audio", true).put("video", true));
        }
    }

    void run() throws Exception {
        Keycloak keycloak = new Keycloak(target.keycloak());
        System.out.printf("preparing %d users (%d caller/callee pairs) in Keycloak...%n", users, users / 2);
        String admin = keycloak.adminToken("admin", "admin");
        List<Keycloak.User> signedIn = new ArrayList<>();
        for (int i = 1; i <= users; i++) {
            String username = String.format("bench-%04d", i);
            keycloak.ensureUser(admin, username, PASSWORD);
            signedIn.add(keycloak.signIn(username, PASSWORD));
        }
        announceToDirectory(signedIn.get(0).token());

        Vertx vertx = Vertx.vertx();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
                .setMaxMessageSize(1 << 20).setConnectTimeout(10_000).setMaxConnections(1_000_000));
        List<Pair> pairs = new ArrayList<>();
        List<Future<?>> connecting = new ArrayList<>();
        for (int i = 0; i + 1 < signedIn.size(); i += 2) {
            Pair pair = new Pair(signedIn.get(i), signedIn.get(i + 1));
            pairs.add(pair);
            for (Keycloak.User user : List.of(pair.caller, pair.callee)) {
                // Every page keeps a presence socket: that is what makes its user AVAILABLE.
                connecting.add(BenchSocket.connect(client, target.presenceWs(), user.token(), (t, m) -> {
                }));
            }
            connecting.add(BenchSocket.connect(client, target.signalingWs(), pair.caller.token(), pair::onCallerMessage)
                    .onSuccess(s -> pair.callerSignaling = s));
            connecting.add(BenchSocket.connect(client, target.signalingWs(), pair.callee.token(), pair::onCalleeSignaling)
                    .onSuccess(s -> pair.calleeSignaling = s));
            connecting.add(BenchSocket.connect(client, target.notificationWs(), pair.callee.token(), pair::onCalleeNotification));
        }
        Future.all(connecting).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.out.printf("%d sockets open%n", connecting.size());

        warmUp(pairs);
        long sentBefore = BenchSocket.SENT.get();
        long receivedBefore = BenchSocket.RECEIVED.get();
        System.out.printf("placing %d calls/s for %d s...%n", rate, seconds);
        java.util.Map<String, Long> cpuBefore = ServerStats.cpuByComponent(target.stateDir());
        ConcurrentLinkedQueue<Pair> idle = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long placed = 0;
        int next = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
            long due = (System.nanoTime() - start) / periodNanos + 1;
            while (placed < due) {
                Pair pair = null;
                for (int tries = 0; tries < pairs.size() && pair == null; tries++) {
                    Pair candidate = pairs.get(next++ % pairs.size());
                    if (!candidate.busy) {
                        pair = candidate;
                    } else if (System.nanoTime() - candidate.startedAt > TimeUnit.SECONDS.toNanos(10)) {
                        timeouts.incrementAndGet();
                        candidate.busy = false;
                    }
                }
                if (pair == null) {
                    skipped.incrementAndGet();
                } else {
                    pair.place(true);
                }
                placed++;
            }
            LockSupport.parkNanos(Math.max(100_000, periodNanos / 4));
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        awaitIdle(pairs, Duration.ofSeconds(15));
        long messages = BenchSocket.SENT.get() - sentBefore + BenchSocket.RECEIVED.get() - receivedBefore;
        java.util.Map<String, Long> cpuAfter = ServerStats.cpuByComponent(target.stateDir());

        System.out.println();
        System.out.printf("calls placed:        %d in %.1f s (%.1f/s); %d skipped (no idle pair), %d timed out%n",
                placed - skipped.get(), elapsed, (placed - skipped.get()) / elapsed, skipped.get(), timeouts.get());
        System.out.printf("call setup (call sent -> callee's page notified): %s%n", setup.summary());
        System.out.printf("answer -> established:                            %s%n", establish.summary());
        System.out.printf("client messages:     %.0f/s (sent + received over %d sockets)%n", messages / elapsed,
                connecting.size());
        System.out.printf("errors:              %s%n", errors.isEmpty() ? "none" : errors);
        long calls = placed - skipped.get();
        if (calls > 0 && !cpuAfter.isEmpty()) {
            // CPU per call of the stack's processes (with the warm-up's tail and idle work): robust on a noisy machine.
            StringBuilder perCall = new StringBuilder();
            long total = 0;
            for (var component : cpuAfter.entrySet()) {
                long used = component.getValue() - cpuBefore.getOrDefault(component.getKey(), 0L);
                total += used;
                if (used > 0) {
                    perCall.append(String.format(" %s %.2f,", component.getKey(), used / 1e6 / calls));
                }
            }
            System.out.printf("server CPU per call: %.2f ms (%s)%n", total / 1e6 / calls,
                    perCall.toString().replaceAll(",$", "").trim());
        }
        for (String service : List.of("signaling", "notification", "presence")) {
            ServerStats.pid(target.stateDir(), service).ifPresent(pid -> System.out.printf(
                    "%-13s RSS %.0f MB%n", service, ServerStats.rss(pid) / 1e6));
        }
        client.close();
        vertx.close();
    }

    /** Every pair places one call before measuring: the directory knows them, and the JIT has warmed up. */
    private void warmUp(List<Pair> pairs) throws InterruptedException {
        System.out.println("warm-up: one call per pair...");
        for (Pair pair : pairs) {
            pair.place(false);
        }
        awaitIdle(pairs, Duration.ofSeconds(60));
        errors.clear();
    }

    private void awaitIdle(List<Pair> pairs, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pairs.stream().anyMatch(p -> p.busy) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        long stuck = pairs.stream().filter(p -> p.busy).count();
        if (stuck > 0) {
            System.out.printf("%d pair(s) still in a call after %d s%n", stuck, timeout.toSeconds());
        }
    }

    /**
     * Presence publishes new users to the directory when it finds them; searching makes it look now. A search
     * returns at most 100 users, so search by prefix: bench-00.., bench-01.., ...
     */
    private void announceToDirectory(String token) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int hundred = 0; hundred <= users / 100; hundred++) {
            HttpResponse<String> found = http.send(HttpRequest.newBuilder(URI.create(target.presenceHttp()
                    + "/api/presence/users?limit=100&search=" + String.format("bench-%02d", hundred)))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            if (found.statusCode() != 200) {
                throw new IllegalStateException("directory search failed: HTTP " + found.statusCode() + " " + found.body());
            }
        }
    }

    private void error(String code) {
        errors.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
    }
}
