package io.parley.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A process started by the stack: output appended to a log file, its pid written to a pid file so that
 * {@code parley down} can find it from another shell, and stopped gracefully (then forcibly) with all its
 * descendants.
 */
public final class ChildProcess {

    private final String name;
    private final Process process;
    private final Path log;
    private final Path pidFile;

    private ChildProcess(String name, Process process, Path log, Path pidFile) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.pidFile = pidFile;
    }

    /**
     * Starts {@code command}; standard input stays an open pipe so that children running under
     * {@code ParentWatchdog} exit when this JVM dies.
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir,
            Path log, Path pidDir) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "---- " + java.time.Instant.now() + " starting " + name + ": "
                    + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            Process process = builder.start();
            Path pidFile = null;
            if (pidDir != null) {
                Files.createDirectories(pidDir);
                pidFile = pidDir.resolve(name + ".pid");
                Files.writeString(pidFile, Long.toString(process.pid()));
            }
            return new ChildProcess(name, process, log, pidFile);
        } catch (IOException e) {
            throw new StartupException(name, "could not start: " + e.getMessage(), log);
        }
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Completes when the process ends, whatever the reason. */
    public java.util.concurrent.CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Waits for the process to end and returns its exit code, or empty on timeout. */
    public Optional<Integer> waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    ? Optional.of(process.exitValue()) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Kills the process tree at once (SIGKILL), as a crash or an OOM killer would; for fault tests. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.onExit().join();
    }

    /** Asks the process tree to stop, waits up to {@code grace}, then kills what is left. */
    public void stop(Duration grace) {
        stopTree(process.toHandle(), grace);
        if (pidFile != null) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                // A stale pid file is harmless: `down` checks that the pid is still ours before acting.
            }
        }
    }

    /** Stops a process and its descendants: SIGTERM first, SIGKILL after {@code grace}. */
    public static void stopTree(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new java.util.ArrayList<>(root.descendants().toList());
        all.add(0, root);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle handle : all) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }
}
