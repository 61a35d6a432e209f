package io.parley.media.echo.service;

import io.parley.protocol.ApiException;
import io.parley.protocol.ErrorCode;
import io.parley.media.echo.EchoBackend;
import io.parley.media.echo.EchoCall;
import io.parley.media.echo.EchoEngine;
import io.parley.media.echo.EchoMetrics;
import io.parley.media.echo.EchoPeer;
import io.parley.media.echo.EchoReport;
import io.parley.media.echo.EchoState;
import io.parley.media.echo.EchoUnavailableException;
import io.parley.media.echo.EndReason;
import io.parley.media.echo.InvalidOfferException;
import io.parley.media.echo.MediaReport;
import io.parley.media.echo.config.EchoConfig;
import io.parley.media.echo.worker.EchoWorkers;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs the echo test calls: admits a bounded number at once, answers each with a server peer ({@link EchoCall}, in an
 * echo worker process or in this JVM, see {@link EchoConfig.Isolation}), ends each
 * on hang-up, lost media, failure or its time limit (the first reason wins), closes its peer and keeps its final
 * report readable for a while. Only the caller who started a call can read or end it.
 *
 * <p>Every native call on a peer happens on one control thread, so a report is never read from a connection
 * being closed; libwebrtc's own threads only flip states and hand work to it.
 */
@Singleton
public class EchoSessions {

    /** What the readiness check shows. */
    public record Status(boolean enabled, boolean available, String problem, int activeSessions, int maxSessions) {
    }

    static final int MAX_SDP_CHARS = 64 * 1024;
    private static final Duration STATS_TIMEOUT = Duration.ofSeconds(2);

    private final EchoConfig config;
    private final EchoMetrics metrics;
    private final Function<EchoEngine.Settings, EchoBackend> loader;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor control = controlThread();
    private final ConcurrentMap<String, EchoSession> sessions = new ConcurrentHashMap<>();
    /** Sessions holding a server peer, from admission until the peer is closed. */
    private final AtomicInteger live = new AtomicInteger();
    /** Calls being answered, not yet in {@link #sessions}: shutdown waits for them before closing the rest. */
    private final Set<CompletableFuture<EchoAnswer>> answering = ConcurrentHashMap.newKeySet();
    private volatile EchoBackend engine;
    private volatile String problem = "not started";

    private static ScheduledThreadPoolExecutor controlThread() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "echo-control");
            t.setDaemon(true);
            return t;
        });
        // Time limits and the forgetting of ended calls are moot once the service stops.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    @Inject
    public EchoSessions(EchoConfig config, EchoMetrics metrics) {
        this(config, metrics, backend(config, metrics), Clock.systemUTC());
    }

    /** Echo worker processes unless {@code parley.echo.isolation=in-process}. */
    static Function<EchoEngine.Settings, EchoBackend> backend(EchoConfig config, EchoMetrics metrics) {
        if (config.isolation() == EchoConfig.Isolation.IN_PROCESS) {
            return EchoEngine::start;
        }
        return settings -> EchoWorkers.start(settings, new EchoWorkers.Options(config.callsPerWorker(),
                List.of(config.workerJavaOptions().trim().split("\\s+")), config.workerStartTimeout()), metrics);
    }

    EchoSessions(EchoConfig config, EchoMetrics metrics, Function<EchoEngine.Settings, EchoBackend> loader, Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.loader = loader;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Loads the native WebRTC library unless echo is disabled; a library that fails to load leaves echo unavailable. */
    public synchronized void start() {
        if (engine != null) {
            return;
        }
        if (!config.enabled()) {
            problem = "the echo test call is disabled (parley.echo.enabled=false)";
            Log.info("Echo test peer disabled (parley.echo.enabled=false)");
            return;
        }
        try {
            engine = loader.apply(new EchoEngine.Settings(config.gatheringTimeout(), config.udpPortMin().orElse(0),
                    config.udpPortMax().orElse(0)));
            problem = null;
            Log.infof("Echo test peer ready (%s): up to %d calls at once, each up to %s", engine,
                    config.effectiveMaxSessions(), config.maxDuration());
        } catch (RuntimeException e) {
            problem = e.getMessage();
            Log.errorf(e, "Echo test peer unavailable: %s", problem);
        }
    }

    /** Ends every call ({@code FAILED}), closes their peers, then releases the native library's factory. */
    public synchronized void stop() {
        EchoBackend running = engine;
        engine = null;
        problem = "stopped";
        awaitQuietly(CompletableFuture.allOf(answering.toArray(CompletableFuture[]::new)), "being answered");
        List<CompletableFuture<MediaReport>> closing = sessions.values().stream()
                .map(session -> end(session, EndReason.FAILED)).toList();
        awaitQuietly(CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)), "closing");
        control.shutdown();
        try {
            if (!control.awaitTermination(5, TimeUnit.SECONDS)) {
                Log.warn("Echo control thread still busy at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running != null) {
            running.close();
        }
    }

    private static void awaitQuietly(CompletableFuture<?> calls, String what) {
        try {
            calls.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // A call that failed to be answered has already released its peer.
        } catch (TimeoutException e) {
            Log.warnf("Echo test calls still %s at shutdown", what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Status status() {
        return new Status(config.enabled(), engine != null, problem, live.get(), config.effectiveMaxSessions());
    }

    /**
     * Starts an echo test call for {@code ownerId}.
     *
     * @throws ApiException 400 {@code INVALID_PAYLOAD} for a missing or unusable offer (also through the returned
     *         future), 503 {@code ECHO_UNAVAILABLE} when echo is disabled or the native library did not load,
     *         503 {@link EchoBusyException} when every slot is in use
     */
    public CompletableFuture<EchoAnswer> start(String ownerId, String offerSdp) {
        validate(offerSdp);
        EchoBackend current = engine;
        if (current == null) {
            metrics.refused(EchoMetrics.Refusal.UNAVAILABLE);
            Log.debugf("Echo test call refused: %s", problem);
            throw new ApiException(ErrorCode.ECHO_UNAVAILABLE,
                    "The echo test is not available on this server right now; try again later");
        }
        if (live.incrementAndGet() > config.effectiveMaxSessions()) {
            live.decrementAndGet();
            metrics.refused(EchoMetrics.Refusal.BUSY);
            throw new EchoBusyException(retryAfterSeconds());
        }
        metrics.activeSessions(live.get());
        EchoSession session = new EchoSession(UUID.randomUUID().toString(), ownerId, clock.instant());
        CompletableFuture<EchoAnswer> answered = current.answer(offerSdp, listener(session), control)
                .handleAsync((peer, error) -> answered(session, peer, error), control);
        answering.add(answered);
        answered.whenComplete((answer, error) -> answering.remove(answered));
        return answered;
    }

    /** On the control thread: registers the answered call and arms its timers, or frees its slot. */
    private EchoAnswer answered(EchoSession session, EchoCall peer, Throwable error) {
        if (error != null) {
            released();
            throw translate(error);
        }
        session.attach(peer);
        String answer = peer.answerSdp();
        sessions.put(session.id(), session);
        metrics.sessionStarted();
        Duration limit = config.maxDuration();
        session.timers(
                control.schedule(() -> end(session, EndReason.TIME_LIMIT), limit.toMillis(), TimeUnit.MILLISECONDS),
                control.schedule(() -> {
                    if (session.state() == EchoState.CONNECTING) {
                        end(session, EndReason.FAILED);
                    }
                }, config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS));
        if (session.state() == EchoState.ENDED) {
            // It failed while being answered; end() left the closing to us.
            close(session);
        }
        return new EchoAnswer(session.id(), answer, limit.toSeconds());
    }

    /**
     * The call's live report, or its final one once ended.
     *
     * @throws ApiException 404 {@code NOT_FOUND} unless {@code ownerId} started a call with that id
     */
    public CompletableFuture<EchoReport> report(String ownerId, String id) {
        EchoSession session = owned(ownerId, id);
        CompletableFuture<MediaReport> media;
        if (session.state() == EchoState.ENDED) {
            media = session.finalReport();
        } else {
            media = CompletableFuture.supplyAsync(() -> session.state() == EchoState.ENDED
                    ? session.finalReport() : session.peer().report(), control)
                    .thenCompose(report -> report)
                    .completeOnTimeout(MediaReport.unknown(false), STATS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        return media.thenApply(report -> EchoReport.of(session.id(), session.state(), session.endReason(),
                session.startedAt(), report));
    }

    /**
     * Hangs up: completes once the server peer is closed. Idempotent on an ended call.
     *
     * @throws ApiException 404 {@code NOT_FOUND} unless {@code ownerId} started a call with that id
     */
    public CompletableFuture<Void> hangUp(String ownerId, String id) {
        return end(owned(ownerId, id), EndReason.HANGUP).thenApply(report -> null);
    }

    private EchoSession owned(String ownerId, String id) {
        EchoSession session = id == null ? null : sessions.get(id);
        if (session == null || !session.ownerId().equals(ownerId)) {
            // The same answer for someone else's call as for none: ids are not confirmed to other users.
            throw new ApiException(ErrorCode.NOT_FOUND, "No echo test call " + id);
        }
        return session;
    }

    private EchoPeer.Listener listener(EchoSession session) {
        return new EchoPeer.Listener() {
            @Override
            public void connected() {
                if (session.markConnected()) {
                    Log.debugf("echo %s connected", session.id());
                }
            }

            @Override
            public void disconnected() {
                end(session, EndReason.DISCONNECTED);
            }

            @Override
            public void failed() {
                end(session, EndReason.FAILED);
            }

            @Override
            public void frameEchoed() {
                metrics.frameEchoed();
            }
        };
    }

    /** Ends {@code session} for {@code reason} unless it already ended; completes once its peer is closed. */
    private CompletableFuture<MediaReport> end(EchoSession session, EndReason reason) {
        if (session.markEnded(reason)) {
            Log.debugf("echo %s ends: %s", session.id(), reason);
            try {
                control.execute(() -> close(session));
            } catch (RejectedExecutionException e) {
                // Shutting down: stop() closes what is left.
                session.finalReport().complete(MediaReport.unknown(false));
            }
        }
        return session.finalReport();
    }

    /** On the control thread: reads the last statistics, closes the peer, frees the slot. */
    private void close(EchoSession session) {
        session.cancelTimers();
        EchoCall peer = session.peer();
        if (peer == null) {
            return;
        }
        CompletableFuture<MediaReport> lastReport;
        try {
            lastReport = peer.report();
        } catch (RuntimeException e) {
            lastReport = CompletableFuture.failedFuture(e);
        }
        lastReport.completeOnTimeout(null, STATS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> null)
                .thenAcceptAsync(last -> {
                    try {
                        peer.close();
                    } catch (RuntimeException e) {
                        Log.errorf(e, "echo %s: closing its peer failed", session.id());
                    } finally {
                        released();
                        metrics.sessionEnded(session.endReason());
                        session.finalReport().complete(last != null ? last : MediaReport.unknown(peer.audioEchoed()));
                        control.schedule(() -> sessions.remove(session.id()), config.retainEnded().toMillis(),
                                TimeUnit.MILLISECONDS);
                    }
                }, control);
    }

    private void released() {
        metrics.activeSessions(live.decrementAndGet());
    }

    /** Seconds until the running call closest to its time limit ends (at least 1). */
    private long retryAfterSeconds() {
        Instant now = clock.instant();
        long limit = config.maxDuration().toSeconds();
        return sessions.values().stream()
                .filter(s -> s.state() != EchoState.ENDED)
                .mapToLong(s -> limit - Duration.between(s.startedAt(), now).toSeconds())
                .min().stream().map(s -> Math.max(1, Math.min(limit, s))).findFirst().orElse(1);
    }

    private static void validate(String offerSdp) {
        if (offerSdp == null || offerSdp.isBlank()) {
            throw invalidSdp("is required: the complete SDP offer, ICE candidates included");
        }
        if (offerSdp.length() > MAX_SDP_CHARS) {
            throw invalidSdp("is longer than " + MAX_SDP_CHARS + " characters");
        }
        if (!offerSdp.startsWith("v=0")) {
            throw invalidSdp("is not an SDP offer (an SDP starts with v=0)");
        }
    }

    private static ApiException invalidSdp(String problem) {
        return new ApiException(ErrorCode.INVALID_PAYLOAD, "sdp " + problem);
    }

    private static RuntimeException translate(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof InvalidOfferException invalid) {
            return invalidSdp("cannot be used: " + invalid.getMessage());
        }
        if (cause instanceof EchoUnavailableException unavailable) {
            Log.warnf("Echo test call not answered: %s", unavailable.getMessage());
            return new ApiException(ErrorCode.ECHO_UNAVAILABLE,
                    "The echo test is not available on this server right now; try again later");
        }
        return cause instanceof RuntimeException runtime ? runtime
                : new IllegalStateException("answering the echo offer failed", cause);
    }
}
