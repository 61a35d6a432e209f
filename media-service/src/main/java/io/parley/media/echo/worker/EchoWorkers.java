package io.parley.media.echo.worker;

import io.parley.media.echo.EchoBackend;
import io.parley.media.echo.EchoCall;
import io.parley.media.echo.EchoEngine;
import io.parley.media.echo.EchoMetrics;
import io.parley.media.echo.EchoPeer;
import io.parley.media.echo.EchoUnavailableException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Runs the echo peers in worker processes ({@link WorkerMain}, child JVMs of media-service) instead of in the
 * service's JVM, for two reasons: libwebrtc aborts the whole process on some internal errors, which would take the
 * TURN relay down with it; and webrtc-java 0.14.0 never frees a closed peer connection's native memory (its issue
 * #239), which only a process exit gives back. New calls go to the current worker; after
 * {@link Options#callsPerWorker()} calls a fresh worker takes over and the old one exits once its last call has
 * ended. A worker that dies ends its own calls as FAILED and the next call starts a new one.
 */
public final class EchoWorkers implements EchoBackend {

    /**
     * @param callsPerWorker calls one worker answers before it is replaced
     * @param javaOptions JVM options of the worker processes
     * @param startTimeout longest wait for a worker to report ready
     */
    public record Options(int callsPerWorker, List<String> javaOptions, Duration startTimeout) {
    }

    private static final Logger LOG = Logger.getLogger(EchoWorkers.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final List<String> command;
    private final Options options;
    private final Duration answerTimeout;
    private final EchoMetrics metrics;
    private final Set<EchoWorker> workers = ConcurrentHashMap.newKeySet();
    /** Guarded by this: the worker taking new calls (possibly still starting). */
    private CompletableFuture<EchoWorker> current;
    private int callsOnCurrent;
    private boolean closed;

    private EchoWorkers(List<String> command, Options options, Duration answerTimeout, EchoMetrics metrics) {
        this.command = command;
        this.metrics = metrics;
        this.options = options;
        this.answerTimeout = answerTimeout;
    }

    /**
     * Starts the first worker and waits until it has loaded the native library.
     *
     * @throws IllegalStateException naming the cause when it cannot
     */
    public static EchoWorkers start(EchoEngine.Settings settings, Options options, EchoMetrics metrics) {
        if (options.callsPerWorker() < 1) {
            throw new IllegalArgumentException("parley.echo.calls-per-worker must be at least 1");
        }
        // The worker answers once its candidates are gathered, or after the gathering timeout with those it has.
        EchoWorkers pool = new EchoWorkers(command(settings, options.javaOptions()), options,
                settings.gatheringTimeout().plusSeconds(25), metrics);
        try {
            synchronized (pool) {
                pool.current = pool.launch();
            }
            EchoWorker first = pool.current.get(options.startTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            LOG.infof("Echo worker %d ready; a fresh one every %d calls", first.pid(), options.callsPerWorker());
            return pool;
        } catch (ExecutionException | TimeoutException e) {
            pool.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.close();
            throw new IllegalStateException("interrupted while starting the echo worker", e);
        }
    }

    @Override
    public CompletableFuture<? extends EchoCall> answer(String offerSdp, EchoPeer.Listener listener, Executor control) {
        Assignment assignment = workerForNextCall();
        return assignment.worker().thenCompose(worker -> {
            CompletableFuture<EchoWorker.RemoteCall> answered = worker.answer(offerSdp, listener);
            if (assignment.last()) {
                // Only now that the call is registered: a worker with no call left exits at once when retired.
                worker.retire();
            }
            return answered;
        });
    }

    /** The worker that takes a call, and whether the call is its last. */
    private record Assignment(CompletableFuture<EchoWorker> worker, boolean last) {
    }

    /** Process ids of the workers alive now, the one taking new calls last. */
    public List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        EchoWorker taking;
        synchronized (this) {
            taking = current != null && current.isDone() && !current.isCompletedExceptionally() ? current.join() : null;
        }
        workers.stream().filter(w -> w != taking && !w.exited()).forEach(w -> pids.add(w.pid()));
        if (taking != null && !taking.exited()) {
            pids.add(taking.pid());
        }
        return pids;
    }

    private synchronized Assignment workerForNextCall() {
        if (closed) {
            return new Assignment(CompletableFuture.failedFuture(
                    new EchoUnavailableException("the echo workers are stopped")), false);
        }
        EchoWorker running = current.isDone() && !current.isCompletedExceptionally() ? current.join() : null;
        if (current.isCompletedExceptionally() || (running != null && running.exited())) {
            current = launch();
            callsOnCurrent = 0;
        }
        CompletableFuture<EchoWorker> chosen = current;
        boolean last = ++callsOnCurrent >= options.callsPerWorker();
        if (last) {
            // This call is the worker's last: start its successor now, so the next caller does not wait for a JVM.
            current = launch();
            callsOnCurrent = 0;
        }
        return new Assignment(chosen, last);
    }

    private CompletableFuture<EchoWorker> launch() {
        CompletableFuture<EchoWorker> started = EchoWorker.start(command, options.startTimeout(),
                        answerTimeout, this::exited)
                .thenApply(worker -> {
                    workers.add(worker);
                    metrics.workerStarted();
                    LOG.debugf("echo worker %d started", worker.pid());
                    return worker;
                });
        started.exceptionally(error -> {
            LOG.errorf("echo worker did not start: %s", rootMessage(error));
            return null;
        });
        return started;
    }

    private void exited(EchoWorker worker) {
        workers.remove(worker);
        if (!worker.exitedAsExpected()) {
            metrics.workerFailed();
        }
    }

    @Override
    public void close() {
        CompletableFuture<EchoWorker> starting;
        synchronized (this) {
            closed = true;
            starting = current;
        }
        if (starting != null) {
            try {
                starting.get(options.startTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // It never started; nothing to stop.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List.copyOf(workers).parallelStream().forEach(w -> w.stop(STOP_GRACE));
    }

    @Override
    public String toString() {
        return "in worker processes, a fresh one every " + options.callsPerWorker() + " calls";
    }

    /** The worker's command line: this JVM's java, the service's classes and libraries, the settings. */
    static List<String> command(EchoEngine.Settings settings, List<String> javaOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        javaOptions.stream().filter(o -> !o.isBlank()).forEach(command::add);
        // Logging goes through java.util.logging to standard error, which the service's log receives.
        command.add("-Dorg.jboss.logging.provider=jdk");
        command.add("-cp");
        command.add(classpath(System.getProperty("java.class.path")));
        command.add(WorkerMain.class.getName());
        command.add(EchoWorker.SOCKET);
        command.add(Long.toString(settings.gatheringTimeout().toMillis()));
        command.add(Integer.toString(settings.udpPortMin()));
        command.add(Integer.toString(settings.udpPortMax()));
        return command;
    }

    /**
     * A packaged service runs from {@code quarkus-app/quarkus-run.jar}, whose own class path holds only Quarkus' boot
     * libraries: the worker gets the application jar and every library instead. Anywhere else (tests, an IDE) the
     * JVM's class path already has everything.
     */
    static String classpath(String javaClassPath) {
        for (String entry : javaClassPath.split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (jar.getFileName() != null && jar.getFileName().toString().equals("quarkus-run.jar")
                    && Files.isDirectory(jar.resolveSibling("lib").resolve("main"))) {
                Path app = jar.getParent() == null ? Path.of(".") : jar.getParent();
                return String.join(File.pathSeparator, app.resolve("app").resolve("*").toString(),
                        app.resolve("lib").resolve("main").resolve("*").toString(),
                        app.resolve("lib").resolve("boot").resolve("*").toString());
            }
        }
        return javaClassPath;
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause == null ? "unknown" : cause.getMessage();
    }
}
