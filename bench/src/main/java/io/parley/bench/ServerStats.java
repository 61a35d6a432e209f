package io.parley.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a running service's memory: heap in use from its Prometheus metrics, RSS from /proc via its pid file. */
final class ServerStats {

    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\".*\\} ([0-9.eE+]+)$",
            Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ServerStats() {
    }

    /** Heap in use, in bytes, summed over the heap pools. */
    static long heapUsed(String serviceUrl) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(serviceUrl + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = HEAP.matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return (long) total;
    }

    /** The pid of a stack component from {@code .parley/pids/<name>.pid}, if the stack runs. */
    static Optional<Long> pid(Path stateDir, String name) {
        try {
            return Optional.of(Long.parseLong(Files.readString(stateDir.resolve("pids").resolve(name + ".pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Resident memory of a process in bytes (0 when unknown). */
    static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    /** Runs a full GC in the process (jcmd), so heap readings show what is really retained. */
    static void gc(long pid) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        jcmd.getInputStream().readAllBytes();
        jcmd.waitFor();
    }

    /** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
    private static final long TICKS_PER_SECOND = 100;

    /**
     * CPU time (user + system) the stack's components used so far, in nanoseconds, by the name of their pid file in
     * {@code .parley/pids}, each with its descendants (PostgreSQL's backends are the postmaster's children).
     */
    static java.util.Map<String, Long> cpuByComponent(Path stateDir) {
        java.util.Map<Long, String> components = new java.util.HashMap<>();
        try (var files = Files.list(stateDir.resolve("pids"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                String name = file.getFileName().toString().replaceFirst("\\.pid$", "");
                pid(stateDir, name).ifPresent(pid -> components.put(pid, name));
            }
        } catch (IOException e) {
            return java.util.Map.of();
        }
        java.util.Map<String, Long> cpu = new java.util.TreeMap<>();
        components.forEach((pid, name) -> ProcessHandle.of(pid).ifPresent(process -> cpu.put(name,
                cpuOfTree(process, components.keySet()))));
        return cpu;
    }

    /** A process and its descendants, down to (not into) those that are components of their own (the launcher's). */
    private static long cpuOfTree(ProcessHandle process, java.util.Set<Long> components) {
        long total = cpuNanos(process.pid());
        for (ProcessHandle child : process.children().toList()) {
            if (!components.contains(child.pid())) {
                total += cpuOfTree(child, components);
            }
        }
        return total;
    }

    /** User + system CPU time of one process (all its threads), in nanoseconds; 0 when unknown. */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1_000_000_000L / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
