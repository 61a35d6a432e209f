package io.parley.testsupport;

import io.parley.stack.Await;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The process that holds one Kafka broker, one PostgreSQL and one OIDC issuer for every test JVM of a Maven build
 * (the integration tier forks a JVM per module): the first test JVM that needs infrastructure starts it, later ones
 * attach through the addresses it writes, and it stops everything when the Maven process it watches ends, however
 * that ends. Enabled by the system property {@value #FILE} (the addresses file; the root pom sets it for failsafe);
 * modules whose tests run in a network namespace of their own cannot reach it and set it to {@code none}.
 */
public final class InfrastructureHost {

    /** System property naming the addresses file, e.g. {@code <project>/target/shared-test-infra/infra.properties}. */
    public static final String FILE = "parley.test.infra.file";

    private static final String HOST_PID = "host.pid";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private InfrastructureHost() {
    }

    /** Runs the host: {@code <pid of the process to outlive> <addresses file>}. */
    public static void main(String[] args) throws Exception {
        long watched = Long.parseLong(args[0]);
        Path file = Path.of(args[1]);
        Properties addresses = SharedInfrastructure.startForBuild();
        addresses.setProperty(HOST_PID, Long.toString(ProcessHandle.current().pid()));
        Path written = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(written)) {
            addresses.store(out, "Parley test infrastructure of one Maven build; removed with target/");
        }
        Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("[test-infra] serving " + addresses.stringPropertyNames() + " until process " + watched + " ends");
        ProcessHandle.of(watched).ifPresent(build -> build.onExit().join());
        System.out.println("[test-infra] process " + watched + " ended: stopping");
        System.exit(0); // shutdown hooks stop the broker, PostgreSQL and the issuer
    }

    /**
     * The addresses of this build's shared infrastructure, starting the host if no live one serves {@code file}.
     * Test JVMs of one build run one after the other, but a file lock keeps two from starting two hosts anyway.
     */
    static Properties attachOrStart(Path file) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file.resolveSibling("infra.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                Properties running = read(file);
                if (running != null && alive(running)) {
                    return running;
                }
                Files.deleteIfExists(file);
                return start(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("test infrastructure host at " + file, e);
        }
    }

    private static Properties start(Path file) throws IOException {
        long build = buildProcess();
        Path dir = file.getParent();
        Files.createDirectories(dir.resolve("target"));
        Path log = dir.resolve("host.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process host = new ProcessBuilder(java, "-Xmx192m", "-XX:TieredStopAtLevel=1", "-cp", classPath(),
                InfrastructureHost.class.getName(), Long.toString(build), file.toString())
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Await.until("test infrastructure host", START_TIMEOUT, host::isAlive, () -> Files.exists(file), log);
        return read(file);
    }

    /**
     * The Maven JVM that runs this build: the nearest ancestor that is a Java process (a test runner may start the
     * test JVM through a shell, which ends with it).
     */
    private static long buildProcess() {
        ProcessHandle ancestor = ProcessHandle.current().parent().orElse(null);
        while (ancestor != null) {
            String command = ancestor.info().command().orElse("");
            if (command.endsWith("/java") || command.equals("java")) {
                return ancestor.pid();
            }
            ancestor = ancestor.parent().orElse(null);
        }
        throw new IllegalStateException("no Java process among this test JVM's ancestors to outlive");
    }

    private static Properties read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Properties addresses = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            addresses.load(in);
        }
        return addresses;
    }

    private static boolean alive(Properties addresses) {
        String pid = addresses.getProperty(HOST_PID);
        return pid != null && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * This JVM's class path as a list of files: a test runner may start the JVM with a single jar whose manifest
     * names the real class path, and that jar may be gone when the host needs its classes.
     */
    private static String classPath() throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            Manifest manifest = null;
            if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    manifest = jar.getManifest();
                }
            }
            String named = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (named == null || named.isBlank()) {
                entries.add(entry);
                continue;
            }
            for (String url : named.trim().split("\\s+")) {
                entries.add(Path.of(path.getParent().toUri().resolve(url)).toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
