package io.parley.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A packaged Parley service ({@code <module>/target/quarkus-app}) run as a child JVM. */
public final class QuarkusService implements AutoCloseable {

    private final String name;
    private final ChildProcess process;
    private final int port;
    private final long startedNanos;
    private volatile long readyNanos;

    private QuarkusService(String name, ChildProcess process, int port, long startedNanos) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.startedNanos = startedNanos;
    }

    /** The runnable jar of a module's fast-jar package, or a clear error when it was not built. */
    public static Path runnableJar(Path projectDir, String module) {
        Path jar = projectDir.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new StartupException(module, "not built: " + jar + " is missing; run ./mvnw package -DskipTests", null);
        }
        return jar;
    }

    /**
     * Starts the service; {@code config} entries become system properties (e.g. {@code quarkus.http.port}),
     * which take precedence over the service's application.properties.
     */
    public static QuarkusService start(String name, Path jar, int port, Map<String, String> config, Path log,
            Path pidDir) {
        List<String> command = new ArrayList<>(List.of(KafkaBroker.javaExecutable(),
                // C1 only: on a 2-core laptop, six services start a second faster each and idle lighter;
                // PARLEY_<SERVICE>_JAVA_OPTS=-XX:TieredStopAtLevel=4 gives one of them the full JIT back.
                "-XX:TieredStopAtLevel=1",
                "-Xms32m", "-Xmx160m", "-Xss512k", "-XX:+UseSerialGC", "-XX:ReservedCodeCacheSize=64m",
                "-XX:+ExitOnOutOfMemoryError", "-Dquarkus.http.port=" + port));
        // PARLEY_<SERVICE>_JAVA_OPTS (e.g. PARLEY_SIGNALING_JAVA_OPTS=-Xmx1g) comes after the defaults, so it wins.
        String extra = System.getenv("PARLEY_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        Path classDataArchive = jar.resolveSibling("app-cds.jsa");
        if (Files.isRegularFile(classDataArchive)) {
            command.add("-XX:SharedArchiveFile=" + classDataArchive);
        }
        // The runnable jar comes first: a class-data archive only applies when the classpath starts as it did at build.
        command.addAll(List.of("-cp", jar + java.io.File.pathSeparator + StackArtifacts.watchdogClasspath(),
                "io.parley.stack.child.ParentWatchdog", "io.quarkus.bootstrap.runner.QuarkusEntryPoint"));
        long started = System.nanoTime();
        return new QuarkusService(name, ChildProcess.start(name, command, environment(), jar.getParent(), log, pidDir),
                port, started);
    }

    /**
     * glibc gives threads that allocate natively arenas of their own and rarely returns their memory: without a cap,
     * media-service's RSS grew twice as much over 40 echo test calls (libwebrtc's threads; docs/benchmarks.md). Two
     * arenas is the usual setting for JVMs; an operator's own MALLOC_ARENA_MAX wins.
     */
    static Map<String, String> environment() {
        return System.getenv().containsKey("MALLOC_ARENA_MAX") ? Map.of() : Map.of("MALLOC_ARENA_MAX", "2");
    }

    /** Waits until {@code /q/health/ready} answers 200, i.e. every connection the service uses is up. */
    public QuarkusService awaitReady(Duration timeout) {
        Await.until(name, timeout, process::alive, () -> Await.http200(url() + "/q/health/ready"), process.log());
        readyNanos = System.nanoTime();
        return this;
    }

    /** Seconds from starting the JVM to readiness. */
    public double secondsToReady() {
        return (readyNanos - startedNanos) / 1e9;
    }

    public String name() {
        return name;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
    }
}
