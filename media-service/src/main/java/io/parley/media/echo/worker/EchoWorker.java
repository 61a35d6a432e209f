package io.parley.media.echo.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.media.echo.EchoCall;
import io.parley.media.echo.EchoPeer;
import io.parley.media.echo.EchoUnavailableException;
import io.parley.media.echo.InvalidOfferException;
import io.parley.media.echo.MediaReport;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * media-service's handle on one echo worker process ({@link WorkerMain}).
 *
 * <p>Protocol: one JSON object per line, over a Unix domain socket that this side listens on (in a directory only
 * this user can enter) and the worker connects to. Commands: {@code answer} (call, sdp),
 * {@code report} (call, req), {@code close} (call). Events: {@code ready} (pid) or
 * {@code error} (message) once at start; {@code answered} (call, sdp) or {@code refused} (call, invalid, message);
 * {@code connected}, {@code disconnected}, {@code failed} (call); {@code frames} (call, count); {@code report} (req,
 * report or error); {@code closed} (call). Call and request numbers are chosen here. When this side closes its end,
 * the worker ends its calls and exits. The worker's standard output and error go to the service's own.
 *
 * <p>When the process exits every pending answer, report and close completes (exceptionally) and every call's
 * listener hears {@code failed()}, so the service ends those calls and nothing waits forever.
 */
final class EchoWorker {

    private static final Logger LOG = Logger.getLogger(EchoWorker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong();
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Stands for the socket's path in a worker's command line. */
    static final String SOCKET = "{socket}";

    private final Process process;
    private final ServerSocketChannel listener;
    private final Path socketDir;
    private final Consumer<EchoWorker> onExit;
    private final Duration answerTimeout;
    private volatile LineChannel channel;
    private final CompletableFuture<EchoWorker> ready = new CompletableFuture<>();
    private final Map<Long, RemoteCall> calls = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<RemoteCall>> answering = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<MediaReport>> reports = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Void>> closing = new ConcurrentHashMap<>();
    private volatile boolean exited;
    private volatile boolean retired;
    private volatile boolean exitedAsExpected;

    private EchoWorker(Process process, ServerSocketChannel listener, Path socketDir, Duration answerTimeout,
            Consumer<EchoWorker> onExit) {
        this.process = process;
        this.answerTimeout = answerTimeout;
        this.listener = listener;
        this.socketDir = socketDir;
        this.onExit = onExit;
    }

    /**
     * Starts a worker; the returned future completes once it has loaded the native library, or fails with
     * {@link EchoUnavailableException} carrying its reason.
     */
    /**
     * @param command the worker's command line, with {@link #SOCKET} where the socket's path goes
     * @param answerTimeout longest wait for an answer (the worker's own gathering timeout normally ends it sooner)
     */
    static CompletableFuture<EchoWorker> start(List<String> command, Duration timeout, Duration answerTimeout,
            Consumer<EchoWorker> onExit) {
        Path socketDir = null;
        ServerSocketChannel listener = null;
        Process process;
        try {
            socketDir = Files.createTempDirectory("parley-echo-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path socket = socketDir.resolve("worker.sock");
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(socket));
            List<String> withSocket = command.stream().map(arg -> arg.equals(SOCKET) ? socket.toString() : arg).toList();
            process = new ProcessBuilder(withSocket).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException | RuntimeException e) {
            closeQuietly(listener);
            deleteQuietly(socketDir);
            return CompletableFuture.failedFuture(
                    new EchoUnavailableException("the echo worker did not start: " + e, e));
        }
        EchoWorker worker = new EchoWorker(process, listener, socketDir, answerTimeout, onExit);
        // A worker that dies before connecting must not leave the accept below waiting.
        process.onExit().thenRun(() -> closeQuietly(worker.listener));
        Thread reader = new Thread(worker::readEvents, "echo-worker-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        return worker.ready.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(error -> {
            process.destroyForcibly();
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            return CompletableFuture.failedFuture(cause instanceof EchoUnavailableException ? cause
                    : new EchoUnavailableException("the echo worker did not report ready within " + timeout, cause));
        });
    }

    long pid() {
        return process.pid();
    }

    boolean exited() {
        return exited;
    }

    int calls() {
        return calls.size();
    }

    /** Whether it exited because it was retired or stopped with no call left, rather than crashing or being killed. */
    boolean exitedAsExpected() {
        return exitedAsExpected;
    }

    /** Takes no more calls: the worker's input is closed (and so it exits) once its last call has closed. */
    void retire() {
        retired = true;
        exitIfIdle();
    }

    /** Closes the worker's input: it ends its calls and exits; forcibly after {@code grace}. */
    void stop(Duration grace) {
        retired = true;
        closeInput();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("echo worker %d did not exit within %s; killing it", pid(), grace);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    CompletableFuture<RemoteCall> answer(String offerSdp, EchoPeer.Listener listener) {
        long call = IDS.incrementAndGet();
        RemoteCall remote = new RemoteCall(call, listener);
        CompletableFuture<RemoteCall> answered = new CompletableFuture<>();
        calls.put(call, remote);
        answering.put(call, answered);
        send(command("answer", call).put("sdp", offerSdp), () -> answering.remove(call), answered);
        if (exited) {
            // It exited while this call was being registered, after failing the calls it knew of.
            answered.completeExceptionally(new EchoUnavailableException("the echo worker (pid " + pid() + ") exited"));
        }
        // A worker that hangs must not hold the caller's request: give up, and close the peer should it come late.
        answered.completeOnTimeout(null, answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return answered.thenApply(answer -> {
            if (answer == null) {
                answering.remove(call);
                calls.remove(call);
                send(command("close", call), () -> { }, new CompletableFuture<>());
                exitIfIdle();
                throw new EchoUnavailableException("the echo worker (pid " + pid() + ") did not answer within "
                        + answerTimeout);
            }
            return answer;
        });
    }

    // ---------------------------------------------------------------- events from the worker

    private void readEvents() {
        try {
            try (LineChannel events = new LineChannel(listener.accept())) {
                channel = events;
                closeQuietly(listener);
                deleteQuietly(socketDir);
                String line;
                while ((line = events.readLine()) != null) {
                    try {
                        onEvent(JSON.readTree(line));
                    } catch (JsonProcessingException | RuntimeException e) {
                        LOG.errorf(e, "echo worker %d: unusable event %.200s", pid(), line);
                    }
                }
            }
        } catch (IOException e) {
            LOG.debugf(e, "echo worker %d: its connection failed", pid());
        } finally {
            closeQuietly(listener);
            deleteQuietly(socketDir);
        }
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        onExited(status);
    }

    private void onEvent(JsonNode event) {
        long call = event.path("call").asLong();
        RemoteCall remote = calls.get(call);
        switch (event.path("ev").asText()) {
            case "ready" -> ready.complete(this);
            case "error" -> ready.completeExceptionally(new EchoUnavailableException(
                    "the echo worker could not start: " + event.path("message").asText()));
            case "answered" -> {
                CompletableFuture<RemoteCall> answered = answering.remove(call);
                if (remote != null && answered != null) {
                    remote.answerSdp = event.path("sdp").asText();
                    answered.complete(remote);
                }
            }
            case "refused" -> {
                calls.remove(call);
                CompletableFuture<RemoteCall> answered = answering.remove(call);
                if (answered != null) {
                    String message = event.path("message").asText();
                    answered.completeExceptionally(event.path("invalid").asBoolean()
                            ? new InvalidOfferException(message)
                            : new IllegalStateException("answering the echo offer failed: " + message));
                }
                exitIfIdle();
            }
            case "connected" -> {
                if (remote != null) {
                    remote.listener.connected();
                }
            }
            case "disconnected" -> {
                if (remote != null) {
                    remote.listener.disconnected();
                }
            }
            case "failed" -> {
                if (remote != null) {
                    remote.listener.failed();
                }
            }
            case "frames" -> {
                if (remote != null) {
                    for (long i = event.path("count").asLong(); i > 0; i--) {
                        remote.listener.frameEchoed();
                    }
                }
            }
            case "report" -> {
                CompletableFuture<MediaReport> report = reports.remove(event.path("req").asLong());
                if (report != null) {
                    if (event.has("report")) {
                        try {
                            report.complete(JSON.treeToValue(event.get("report"), MediaReport.class));
                        } catch (JsonProcessingException e) {
                            report.completeExceptionally(e);
                        }
                    } else {
                        report.completeExceptionally(new IllegalStateException(event.path("error").asText()));
                    }
                }
            }
            case "closed" -> {
                calls.remove(call);
                CompletableFuture<Void> closed = closing.remove(call);
                if (closed != null) {
                    closed.complete(null);
                }
                exitIfIdle();
            }
            default -> LOG.warnf("echo worker %d: unknown event %s", pid(), event);
        }
    }

    private void onExited(int status) {
        exited = true;
        boolean expected = retired && calls.isEmpty();
        exitedAsExpected = expected;
        if (expected) {
            LOG.debugf("echo worker %d exited (status %d)", pid(), status);
        } else {
            LOG.errorf("echo worker %d exited unexpectedly (status %d); its %d calls end as FAILED", pid(), status,
                    calls.size());
        }
        // The owner hears first, so whoever waits on this worker's futures below finds its books already updated.
        onExit.accept(this);
        EchoUnavailableException gone = new EchoUnavailableException(
                "the echo worker (pid " + pid() + ") exited with status " + status);
        ready.completeExceptionally(gone);
        answering.values().forEach(f -> f.completeExceptionally(gone));
        reports.values().forEach(f -> f.completeExceptionally(gone));
        closing.values().forEach(f -> f.complete(null));
        List.copyOf(calls.values()).forEach(remote -> remote.listener.failed());
        calls.clear();
    }

    // ---------------------------------------------------------------- commands to the worker

    private void exitIfIdle() {
        if (retired && calls.isEmpty() && answering.isEmpty()) {
            closeInput();
        }
    }

    private void closeInput() {
        LineChannel open = channel;
        if (open != null) {
            open.shutdownOutput();
        } else {
            process.destroy();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                // Nothing left to do with it.
            }
        }
    }

    private static void deleteQuietly(Path socketDir) {
        if (socketDir != null) {
            try {
                Files.deleteIfExists(socketDir.resolve("worker.sock"));
                Files.deleteIfExists(socketDir);
            } catch (IOException e) {
                LOG.debugf(e, "removing %s", socketDir);
            }
        }
    }

    private static ObjectNode command(String op, long call) {
        return JSON.createObjectNode().put("op", op).put("call", call);
    }

    /** Writes one command; on failure (the worker is gone) fails {@code pending} after running {@code forget}. */
    private void send(ObjectNode command, Runnable forget, CompletableFuture<?> pending) {
        LineChannel open = channel;
        try {
            if (open == null) {
                throw new IOException("not connected");
            }
            open.writeLine(command.toString());
        } catch (IOException e) {
            forget.run();
            pending.completeExceptionally(new EchoUnavailableException("the echo worker (pid " + pid()
                    + ") is gone", e));
        }
    }

    /** A call answered by this worker. */
    final class RemoteCall implements EchoCall {
        private final long id;
        private final EchoPeer.Listener listener;
        private volatile String answerSdp;
        private boolean closed;

        private RemoteCall(long id, EchoPeer.Listener listener) {
            this.id = id;
            this.listener = listener;
        }

        @Override
        public String answerSdp() {
            return answerSdp;
        }

        @Override
        public boolean audioEchoed() {
            return false;
        }

        @Override
        public CompletableFuture<MediaReport> report() {
            if (closed || exited) {
                return CompletableFuture.failedFuture(new IllegalStateException("echo call closed"));
            }
            long request = IDS.incrementAndGet();
            CompletableFuture<MediaReport> report = new CompletableFuture<>();
            reports.put(request, report);
            send(command("report", id).put("req", request), () -> reports.remove(request), report);
            return report;
        }

        /** Asks the worker to close the peer and waits (bounded) until it has. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (exited) {
                return;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            closing.put(id, done);
            send(command("close", id), () -> closing.remove(id), done);
            try {
                done.get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                // The worker is gone, and the peer with it.
            } catch (TimeoutException e) {
                LOG.warnf("echo worker %d did not close call %d within %s", pid(), id, CLOSE_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
