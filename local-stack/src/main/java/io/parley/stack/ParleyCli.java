package io.parley.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ./parley up | down | status}: runs the local stack in the foreground until Ctrl-C, stops it from
 * another shell, or tells what is running. State lives in {@code $PARLEY_HOME} (default {@code .parley}
 * in the checkout), unpacked distributions in {@code $PARLEY_CACHE} (default {@code ~/.cache/parley}).
 */
public final class ParleyCli {

    /** Libraries log through java.util.logging here; only their warnings concern a person at the console. */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.apache.kafka"), Logger.getLogger("io.zonky"));

    /** Set once a stop was asked for, so that processes ending on request are not reported as crashes. */
    private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();

    private final Path projectDir;
    private final Path stateDir;
    private final Path cacheDir;
    private final Path pidDir;
    private final PrintStream out = System.out;

    private ParleyCli() {
        projectDir = Path.of(System.getProperty("parley.project.dir", ".")).toAbsolutePath().normalize();
        stateDir = Path.of(env("PARLEY_HOME", projectDir.resolve(".parley").toString())).toAbsolutePath();
        cacheDir = StackPaths.cacheDir();
        pidDir = stateDir.resolve("pids");
    }

    public static void main(String[] args) {
        // The readiness probe polls the broker before it listens; the client's connection warnings are expected.
        QUIET.forEach(logger -> logger.setLevel(Level.SEVERE));
        String command = args.length == 0 ? "up" : args[0];
        ParleyCli cli = new ParleyCli();
        int code = switch (command) {
            case "up" -> cli.up();
            case "down" -> cli.down();
            case "status" -> cli.status();
            default -> {
                System.err.println("usage: parley [up|down|status]");
                yield 2;
            }
        };
        System.exit(code);
    }

    private int up() {
        Path launcherPid = pidDir.resolve("launcher.pid");
        Optional<ProcessHandle> running = readPid(launcherPid).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (running.isPresent()) {
            System.err.println("Parley is already running (launcher pid " + running.get().pid()
                    + "). Use ./parley status, or ./parley down to stop it.");
            return 1;
        }
        int leftovers = stopLeftovers();
        if (leftovers > 0) {
            out.println("Stopped " + leftovers + " process(es) left behind by an earlier run that did not stop cleanly.");
        }
        try {
            Files.createDirectories(pidDir);
            Files.writeString(launcherPid, Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            System.err.println("cannot write " + launcherPid + ": " + e.getMessage());
            return 1;
        }
        out.println("Starting Parley from " + projectDir + " (state: " + stateDir + ", cache: " + cacheDir + ")");
        LocalStack stack;
        try {
            stack = LocalStack.start(new LocalStack.Options(projectDir, stateDir, cacheDir,
                    LocalStack.PortPlan.standard(), pidDir, Duration.ofSeconds(180), out));
        } catch (StartupException e) {
            System.err.println();
            System.err.println("Parley did not start: " + e.getMessage());
            if (e.log() != null) {
                System.err.println("Last lines of " + e.log() + ":");
                tail(e.log(), 15).forEach(line -> System.err.println("  | " + line));
            }
            deleteQuietly(launcherPid);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            out.println();
            out.println("Stopping Parley...");
            stack.close();
            deleteQuietly(launcherPid);
            out.println("Parley stopped; no process left running.");
            stopped.countDown();
        }, "parley-stop"));
        stack.printTable();
        watchForCrashes(stack);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private void watchForCrashes(LocalStack stack) {
        List<ChildProcess> processes = new ArrayList<>();
        processes.add(stack.kafka().process());
        processes.add(stack.keycloak().process());
        stack.services().forEach(s -> processes.add(s.process()));
        for (ChildProcess process : processes) {
            process.onExit().thenAccept(p -> {
                if (stopping.get()) {
                    return;
                }
                System.err.printf("%n%s exited unexpectedly (exit %d); see %s. "
                    + "Stop with Ctrl-C and start again.%n", process.name(), p.exitValue(), process.log());
            });
        }
    }

    private int down() {
        Path launcherPid = pidDir.resolve("launcher.pid");
        Optional<ProcessHandle> launcher = readPid(launcherPid).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (launcher.isPresent()) {
            out.println("Stopping Parley (launcher pid " + launcher.get().pid() + ")...");
            launcher.get().destroy();
            try {
                launcher.get().onExit().get(90, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                out.println("The launcher did not stop in 90 s; stopping its processes directly.");
                launcher.get().destroyForcibly();
            }
        }
        int leftovers = stopLeftovers();
        deleteQuietly(launcherPid);
        if (launcher.isEmpty() && leftovers == 0) {
            out.println("Parley is not running.");
        } else {
            out.println("Parley stopped" + (leftovers > 0 ? " (" + leftovers + " process(es) stopped directly)" : "") + ".");
        }
        return 0;
    }

    private int status() {
        Optional<ProcessHandle> launcher = readPid(pidDir.resolve("launcher.pid")).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive);
        out.println(launcher.map(p -> "Parley is running (launcher pid " + p.pid() + ").").orElse("Parley is not running."));
        LocalStack.PortPlan ports = LocalStack.PortPlan.standard();
        List<String[]> checks = new ArrayList<>();
        checks.add(new String[] {Keycloak.NAME, "http://localhost:" + ports.keycloak() + "/realms/parley/.well-known/openid-configuration"});
        ports.services().forEach((name, port) -> checks.add(new String[] {name, "http://localhost:" + port + "/q/health/ready"}));
        checks.add(new String[] {"gateway", "http://localhost:" + ports.gateway() + "/q/health/ready"});
        for (String[] check : checks) {
            out.printf("  %-13s %s%n", check[0], Await.http200(check[1]) ? "ready" : "not answering");
        }
        out.printf("  %-13s %s%n", KafkaBroker.NAME, Ports.taken(ports.kafka()) ? "listening" : "not listening");
        out.printf("  %-13s %s%n", Postgres.NAME, Ports.taken(ports.postgres()) ? "listening" : "not listening");
        return 0;
    }

    /** Stops processes named in pid files whose launcher is gone; returns how many were alive. */
    private int stopLeftovers() {
        if (!Files.isDirectory(pidDir)) {
            return 0;
        }
        int count = 0;
        try (var files = Files.list(pidDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pid") && !f.endsWith("launcher.pid")).toList()) {
                Optional<ProcessHandle> process = readPid(file).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                        .filter(ParleyCli::isOurs);
                if (process.isPresent()) {
                    ChildProcess.stopTree(process.get(), Duration.ofSeconds(20));
                    count++;
                }
                deleteQuietly(file);
            }
        } catch (IOException e) {
            System.err.println("cannot read " + pidDir + ": " + e.getMessage());
        }
        return count;
    }

    /** Guards against a recycled pid: only Java, PostgreSQL and Keycloak's script are ever ours. */
    private static boolean isOurs(ProcessHandle process) {
        String command = process.info().command().orElse("");
        return command.endsWith("java") || command.contains("postgres") || command.endsWith("sh");
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Long.parseLong(Files.readString(file).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static List<String> tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of("(log not readable: " + e.getMessage() + ")");
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Nothing to do: a stale pid file is checked for liveness before use.
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
