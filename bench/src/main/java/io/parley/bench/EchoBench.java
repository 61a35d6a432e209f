package io.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.media.echo.EchoTestClient;
import io.parley.testsupport.TestOidcIssuer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs N echo test calls (640x480 at 30 fps each, from webrtc-java callers in this JVM) against a media-service it
 * starts itself, and reports what they cost that process and its echo workers: CPU seconds per second (from
 * {@code /proc/<pid>/stat}, minus the idle rate measured first) per call, frames echoed per second, and resident
 * memory, also after {@code rounds - 1} more rounds of calls (does closing a call give its memory back?). Run it inside
 * {@code tools/netns-run}: libwebrtc never uses the loopback interface.
 */
final class EchoBench {

    /** The JVM options ./parley up gives every service (QuarkusService), so the numbers match the local stack. */
    static final String DEFAULT_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -Xms32m -Xmx160m -Xss512k -XX:+UseSerialGC "
            + "-XX:ReservedCodeCacheSize=64m";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FRAMES_ECHOED =
            Pattern.compile("^parley_echo_video_frames_echoed_total(?:\\{[^}]*\\})? ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern HEAP_COMMITTED =
            Pattern.compile("^jvm_memory_committed_bytes\\{area=\"heap\".*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Path MEDIA_JAR = Path.of("media-service/target/quarkus-app/quarkus-run.jar");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int sessions;
    private final int seconds;
    private final int warmup;
    private final int rounds;
    private final List<String> javaOptions;
    private final String serverCpus;

    /**
     * @param serverCpus CPUs media-service (and so its echo workers) may run on, as {@code taskset -c} takes them;
     *        null for any. Pinning it apart from this JVM's callers shows what one core serves.
     */
    EchoBench(int sessions, int seconds, int warmup, int rounds, List<String> javaOptions, String serverCpus) {
        this.sessions = sessions;
        this.seconds = seconds;
        this.warmup = warmup;
        this.rounds = rounds;
        this.javaOptions = javaOptions;
        this.serverCpus = serverCpus;
    }

    void run() throws Exception {
        if (!Files.exists(MEDIA_JAR)) {
            throw new IllegalStateException("no " + MEDIA_JAR + ": build it with ./mvnw -q -pl media-service -am install "
                    + "-DskipTests");
        }
        if (!hasNonLoopbackInterface()) {
            throw new IllegalStateException("no network interface but loopback, which libwebrtc never uses: run "
                    + "tools/netns-run bench/run echo ...");
        }
        Path log = Files.createTempFile("echo-bench-media-", ".log");
        try (TestOidcIssuer oidc = TestOidcIssuer.start()) {
            int port = freePort();
            String media = "http://127.0.0.1:" + port;
            List<String> command = new ArrayList<>();
            if (serverCpus != null) {
                // taskset execs the JVM: same pid, and the workers it starts inherit the affinity.
                command.addAll(List.of("taskset", "-c", serverCpus));
            }
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(javaOptions);
            command.addAll(List.of("-jar", MEDIA_JAR.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            // As ./parley up and k8s/ run it (QuarkusService); MALLOC_ARENA_MAX=<n> in the environment overrides it.
            env.putIfAbsent("MALLOC_ARENA_MAX", "2");
            env.put("QUARKUS_OIDC_AUTH_SERVER_URL", oidc.issuer());
            env.put("PARLEY_TURN_ENABLED", "false");
            // No Kafka: the echo path does not use it (only readiness would report it down).
            env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9");
            env.put("PARLEY_ECHO_MAX_SESSIONS", Integer.toString(sessions));
            env.put("PARLEY_ECHO_MAX_DURATION", (warmup + seconds + 120) + "s");
            // Rounds follow each other faster than the default 5 minutes an ended call stays readable.
            env.put("PARLEY_ECHO_RETAIN_ENDED", "10s");
            Process server = builder.start();
            try {
                measure(server, media, oidc);
            } finally {
                server.destroy();
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        }
        System.out.println("media-service log: " + log);
    }

    private void measure(Process server, String media, TestOidcIssuer oidc) throws Exception {
        long pid = server.pid();
        awaitLive(server, media);
        int clockTicks = clockTicks();
        System.out.printf("echo bench: %d calls of 640x480 at 30 fps, %d s warm-up, %d s measured; media-service pid %d%s%n",
                sessions, warmup, seconds, pid, serverCpus == null ? "" : ", on CPU(s) " + serverCpus);

        double idle = cpuRate(pid, clockTicks, 5);
        long rssIdle = treeRss(pid);

        Calls calls = call(media, oidc);
        try {
            // The warm-up lets every call connect and its bandwidth estimate ramp up to full resolution.
            Thread.sleep(warmup * 1000L);
            int silent = (int) calls.callers.stream().filter(c -> c.framesReceived() == 0).count();

            double echoedBefore = framesEchoed(media);
            long callerFramesBefore = calls.framesReceived();
            long selfBefore = cpuTicks(ProcessHandle.current().pid());
            double busy = cpuRate(pid, clockTicks, seconds);
            long selfAfter = cpuTicks(ProcessHandle.current().pid());
            double echoed = (framesEchoed(media) - echoedBefore) / seconds;
            double received = (calls.framesReceived() - callerFramesBefore) / (double) seconds;
            long rssLoaded = treeRss(pid);

            Map<String, Integer> sizes = new TreeMap<>();
            List<Double> rates = new ArrayList<>();
            List<Double> rtts = new ArrayList<>();
            for (int i = 0; i < calls.ids.size(); i++) {
                JsonNode report = JSON.readTree(get(media + "/api/media/echo/" + calls.ids.get(i), calls.tokens.get(i)));
                rates.add(report.path("video").path("framesPerSecond").asDouble());
                rtts.add(report.path("roundTripTimeMs").asDouble());
                sizes.merge(calls.callers.get(i).lastFrameSize(), 1, Integer::sum);
            }
            Collections.sort(rates);
            Collections.sort(rtts);

            double perCall = (busy - idle) / sessions;
            System.out.printf("media-service CPU (with its echo workers): %.3f CPU-s/s under load, %.3f idle -> %.3f CPU-s/s per call "
                    + "(%.0f%% of a core); %.1f calls per core at this cost%n", busy, idle, perCall, perCall * 100,
                    1 / perCall);
            System.out.printf("frames echoed: %.1f/s (%.1f per call; server counter), received back by the callers: "
                    + "%.1f/s (%.1f per call)%n", echoed, echoed / sessions, received, received / sessions);
            System.out.printf("server's view: frame rate in %.1f-%.1f fps, RTT %.1f-%.1f ms; frame size back at the "
                    + "callers %s%s%n", rates.get(0), rates.get(rates.size() - 1), rtts.get(0), rtts.get(rtts.size() - 1),
                    sizes, silent > 0 ? "; " + silent + " calls had no echo after the warm-up" : "");
            System.out.printf("load tool (the %d callers, this JVM): %.3f CPU-s/s%n", sessions,
                    (selfAfter - selfBefore) / (double) clockTicks / seconds);
            System.out.printf("media-service RSS (with its echo workers): %d MB idle, %d MB under load%n",
                    rssIdle >> 20, rssLoaded >> 20);
        } finally {
            hangUp(media, calls);
        }
        printMemoryAfterRound(1, pid, media);
        // Further rounds show whether closed calls give their memory back.
        for (int round = 2; round <= rounds; round++) {
            Calls more = call(media, oidc);
            try {
                Thread.sleep(5000);
            } finally {
                hangUp(media, more);
            }
            printMemoryAfterRound(round, pid, media);
        }
    }

    /**
     * RSS of media-service and its echo workers after a full GC of media-service, and how much of media-service's
     * own RSS its Java heap holds committed.
     */
    private void printMemoryAfterRound(int round, long pid, String media) throws Exception {
        ServerStats.gc(pid);
        long rss = ServerStats.rss(pid);
        long tree = treeRss(pid);
        long heap = (long) sum(http.send(HttpRequest.newBuilder(URI.create(media + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body(), HEAP_COMMITTED);
        System.out.printf("after round %d hung up (%d calls so far): RSS %d MB in all; media-service %d MB (Java heap "
                + "committed %d MB), %d echo worker process(es) %d MB%n", round, round * sessions, tree >> 20, rss >> 20,
                heap >> 20, workers(pid), (tree - rss) >> 20);
    }

    private static double sum(String metrics, Pattern sample) {
        Matcher m = sample.matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    /** The callers of one round and the calls they placed. */
    private record Calls(List<EchoTestClient> callers, List<String> ids, List<String> tokens) {
        long framesReceived() {
            return callers.stream().mapToLong(EchoTestClient::framesReceived).sum();
        }
    }

    private Calls call(String media, TestOidcIssuer oidc) throws Exception {
        Calls calls = new Calls(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try {
            for (int i = 0; i < sessions; i++) {
                EchoTestClient caller = EchoTestClient.start(640, 480, 30);
                calls.callers.add(caller);
                String token = oidc.accessToken(String.format("bench-%04d", i));
                HttpResponse<String> answered = http.send(HttpRequest.newBuilder(URI.create(media + "/api/media/echo"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("sdp", caller.offer())
                                .toString())).build(), HttpResponse.BodyHandlers.ofString());
                if (answered.statusCode() != 201) {
                    throw new IllegalStateException("call " + i + ": HTTP " + answered.statusCode() + " " + answered.body());
                }
                JsonNode answer = JSON.readTree(answered.body());
                caller.accept(answer.path("sdp").asText());
                calls.ids.add(answer.path("id").asText());
                calls.tokens.add(token);
            }
            return calls;
        } catch (Exception | Error e) {
            calls.callers.forEach(EchoTestClient::close);
            throw e;
        }
    }

    private void hangUp(String media, Calls calls) throws Exception {
        try {
            for (int i = 0; i < calls.ids.size(); i++) {
                HttpResponse<String> ended = http.send(HttpRequest.newBuilder(URI.create(media + "/api/media/echo/"
                        + calls.ids.get(i))).header("Authorization", "Bearer " + calls.tokens.get(i)).DELETE().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ended.statusCode() != 204) {
                    System.out.println("hang-up " + calls.ids.get(i) + ": HTTP " + ended.statusCode());
                }
            }
        } finally {
            calls.callers.forEach(EchoTestClient::close);
        }
    }

    private void awaitLive(Process server, String media) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("media-service exited with " + server.exitValue());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(media + "/q/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("media-service not live after 90 s");
    }

    private String get(String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private double framesEchoed(String media) throws Exception {
        Matcher m = FRAMES_ECHOED.matcher(http.send(HttpRequest.newBuilder(URI.create(media + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** CPU seconds per second the process spent over the next {@code seconds}. */
    private static double cpuRate(long pid, int clockTicks, int seconds) throws Exception {
        long before = cpuTicks(pid);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long after = cpuTicks(pid);
        return (after - before) / (double) clockTicks / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * CPU time of the process and its descendants (media-service and its echo worker processes), in clock ticks:
     * utime + stime of every thread and cutime + cstime of reaped children (/proc/<pid>/stat fields 14-17), so a
     * worker that exits during the measurement still counts.
     */
    private static long cpuTicks(long pid) throws IOException {
        long ticks = ownAndReapedTicks(pid);
        for (ProcessHandle child : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of())) {
            try {
                ticks += ownAndReapedTicks(child.pid());
            } catch (IOException exited) {
                // Gone between listing and reading: its parent's cutime/cstime holds it once reaped.
            }
        }
        return ticks;
    }

    private static long ownAndReapedTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                + Long.parseLong(fields[14]);
    }

    /** Resident memory of the process and its descendants (the echo worker processes). */
    private static long treeRss(long pid) {
        return ServerStats.rss(pid) + ProcessHandle.of(pid)
                .map(p -> p.descendants().mapToLong(c -> ServerStats.rss(c.pid())).sum()).orElse(0L);
    }

    private static long workers(long pid) {
        return ProcessHandle.of(pid).map(p -> p.descendants().count()).orElse(0L);
    }

    private static int clockTicks() throws Exception {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
        String ticks = new String(getconf.getInputStream().readAllBytes()).trim();
        getconf.waitFor();
        return ticks.isEmpty() ? 100 : Integer.parseInt(ticks);
    }

    private static boolean hasNonLoopbackInterface() throws IOException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream().anyMatch(i -> {
            try {
                return i.isUp() && !i.isLoopback()
                        && Collections.list(i.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet4Address);
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
