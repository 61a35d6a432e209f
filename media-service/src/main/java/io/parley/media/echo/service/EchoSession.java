package io.parley.media.echo.service;

import io.parley.media.echo.EchoCall;
import io.parley.media.echo.EchoState;
import io.parley.media.echo.EndReason;
import io.parley.media.echo.MediaReport;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One echo test call as the service tracks it: who owns it, where it stands, and its final report once the
 * server peer is closed. State changes are atomic, so the first reason to end a call wins.
 */
public final class EchoSession {

    private record Status(EchoState state, EndReason endReason) {
    }

    private final String id;
    private final String ownerId;
    private final Instant startedAt;
    private final AtomicReference<Status> status = new AtomicReference<>(new Status(EchoState.CONNECTING, null));
    private final CompletableFuture<MediaReport> finalReport = new CompletableFuture<>();
    private volatile EchoCall peer;
    private volatile ScheduledFuture<?> timeLimit;
    private volatile ScheduledFuture<?> connectTimeout;

    public EchoSession(String id, String ownerId, Instant startedAt) {
        this.id = id;
        this.ownerId = ownerId;
        this.startedAt = startedAt;
    }

    public String id() {
        return id;
    }

    public String ownerId() {
        return ownerId;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public EchoState state() {
        return status.get().state();
    }

    public EndReason endReason() {
        return status.get().endReason();
    }

    /** Connecting becomes connected; false when the call is already connected or ended. */
    public boolean markConnected() {
        Status current = status.get();
        return current.state() == EchoState.CONNECTING
                && status.compareAndSet(current, new Status(EchoState.CONNECTED, null));
    }

    /** Ends the call for {@code reason}; false when it had already ended (for the reason that came first). */
    public boolean markEnded(EndReason reason) {
        Status current;
        do {
            current = status.get();
            if (current.state() == EchoState.ENDED) {
                return false;
            }
        } while (!status.compareAndSet(current, new Status(EchoState.ENDED, reason)));
        return true;
    }

    /** Completes once the server peer is closed, with the last statistics read before closing it. */
    public CompletableFuture<MediaReport> finalReport() {
        return finalReport;
    }

    EchoCall peer() {
        return peer;
    }

    void attach(EchoCall peer) {
        this.peer = peer;
    }

    void timers(ScheduledFuture<?> timeLimit, ScheduledFuture<?> connectTimeout) {
        this.timeLimit = timeLimit;
        this.connectTimeout = connectTimeout;
    }

    void cancelTimers() {
        ScheduledFuture<?> limit = timeLimit;
        ScheduledFuture<?> connect = connectTimeout;
        if (limit != null) {
            limit.cancel(false);
        }
        if (connect != null) {
            connect.cancel(false);
        }
    }
}
