package io.parley.media.echo.service;

import io.parley.media.echo.EchoMetrics;
import io.parley.media.echo.EndReason;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** {@link EchoMetrics} that remember what they were told, for tests that build {@link EchoSessions} themselves. */
final class RecordingEchoMetrics implements EchoMetrics {

    final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    final AtomicLong framesEchoed = new AtomicLong();
    final AtomicLong workersStarted = new AtomicLong();
    final AtomicLong workersFailed = new AtomicLong();

    @Override
    public void activeSessions(int count) {
    }

    @Override
    public void sessionStarted() {
    }

    @Override
    public void sessionEnded(EndReason reason) {
    }

    @Override
    public void refused(Refusal reason) {
        refusals.add(reason);
    }

    @Override
    public void frameEchoed() {
        framesEchoed.incrementAndGet();
    }

    @Override
    public void workerStarted() {
        workersStarted.incrementAndGet();
    }

    @Override
    public void workerFailed() {
        workersFailed.incrementAndGet();
    }
}
