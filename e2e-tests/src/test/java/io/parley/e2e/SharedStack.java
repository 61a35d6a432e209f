package io.parley.e2e;

import io.parley.stack.LocalStack;
import io.parley.stack.StackPaths;
import io.parley.testsupport.PrometheusMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One local stack, exactly as {@code ./parley up} starts it (on free ports), shared by every end-to-end
 * class that declares {@code @ExtendWith(SharedStack.class)} and stopped when the test run ends.
 *
 * <p>The tests run in the private network namespace of {@code tools/netns-run} (see this module's pom).
 * Browsers reach the gateway and Keycloak on {@code localhost}, as on a laptop; Parley's TURN relay
 * listens on the namespace's own address {@link #HOST_ADDRESS}, since libwebrtc never gathers candidates
 * on loopback, and it may relay to that address only.
 */
public final class SharedStack implements BeforeAllCallback {

    /** The first address of the namespace's veth pair (tools/netns-run). */
    public static final String HOST_ADDRESS = System.getenv().getOrDefault("PARLEY_NETNS_PREFIX", "10.77.0") + ".1";

    private static final ByteArrayOutputStream PROGRESS = new ByteArrayOutputStream();
    private static LocalStack stack;

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (SharedStack.class) {
            if (stack == null) {
                stack = start();
                LocalStack started = stack;
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(SharedStack.class.getName(), (ExtensionContext.Store.CloseableResource) started::close);
            }
        }
    }

    public static LocalStack stack() {
        if (stack == null) {
            throw new IllegalStateException("declare @ExtendWith(SharedStack.class) on the test class");
        }
        return stack;
    }

    public static String gateway() {
        return "http://localhost:" + stack().gatewayPort();
    }

    /**
     * The sum of every series of a Prometheus metric (e.g. {@code parley_turn_relayed_packets_total}, over
     * all tags) that {@code service} exposes at {@code /q/metrics}; fails if the service does not expose it.
     */
    public static double metric(String service, String name) throws java.io.IOException, InterruptedException {
        String url = stack().services().stream().filter(s -> s.name().equals(service)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + service)).url();
        String metrics = PrometheusMetrics.scrape(url);
        if (!PrometheusMetrics.exports(metrics, name)) {
            throw new AssertionError(service + " does not expose " + name);
        }
        return PrometheusMetrics.sum(metrics, name, "");
    }

    /** Everything the stack printed while starting. */
    public static String progress() {
        synchronized (PROGRESS) {
            return PROGRESS.toString(StandardCharsets.UTF_8);
        }
    }

    private static LocalStack start() {
        requireNamespace();
        try {
            Path project = Path.of(System.getProperty("parley.project.dir", "..")).toAbsolutePath().normalize();
            Path target = Path.of("target").toAbsolutePath();
            Files.createDirectories(target);
            Path state = Files.createTempDirectory(target, "stack-");
            PrintStream progress = new PrintStream(new Tee(PROGRESS, System.out), true, StandardCharsets.UTF_8);
            LocalStack.PortPlan ports = LocalStack.PortPlan.free();
            String turn = "turn:" + HOST_ADDRESS + ":" + ports.turn();
            LocalStack.Options options = new LocalStack.Options(project, state, StackPaths.cacheDir(), ports, null,
                    Duration.ofSeconds(300), progress)
                    .with("media", Map.of(
                            "parley.turn.listen-address", HOST_ADDRESS,
                            "parley.turn.relay-address", HOST_ADDRESS,
                            "parley.turn.allowed-peer-cidrs", HOST_ADDRESS.substring(0, HOST_ADDRESS.lastIndexOf('.'))
                                    + ".0/24"))
                    .with("admin", Map.of("parley.admin.webrtc.parley-turn-urls",
                            turn + "?transport=udp," + turn + "?transport=tcp"));
            LocalStack started = LocalStack.start(options);
            started.printTable();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireNamespace() {
        try {
            InetAddress address = InetAddress.getByName(HOST_ADDRESS);
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress bound : Collections.list(nic.getInetAddresses())) {
                    if (bound instanceof Inet4Address && bound.equals(address)) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no interface has " + HOST_ADDRESS + ": the end-to-end tests run inside "
                + "tools/netns-run (Maven does that through this module's <jvm>; from an IDE, start the IDE's test JVM "
                + "with tools/netns-java)");
    }

    /** Copies the stack's progress to the console while keeping it for assertions. */
    private static final class Tee extends OutputStream {
        private final OutputStream kept;
        private final OutputStream console;

        Tee(OutputStream kept, OutputStream console) {
            this.kept = kept;
            this.console = console;
        }

        @Override
        public void write(int value) throws IOException {
            synchronized (PROGRESS) {
                kept.write(value);
            }
            console.write(value);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            synchronized (PROGRESS) {
                kept.write(bytes, off, len);
            }
            console.write(bytes, off, len);
        }
    }
}
