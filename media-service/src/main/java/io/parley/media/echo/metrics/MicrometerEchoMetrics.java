package io.parley.media.echo.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.media.echo.EchoMetrics;
import io.parley.media.echo.EndReason;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes the echo test call's {@link EchoMetrics} to Micrometer, scraped at {@code /q/metrics} as:
 * <ul>
 * <li>{@code parley_echo_sessions_active} (gauge): calls holding a server peer (connecting, connected or closing);</li>
 * <li>{@code parley_echo_sessions_started_total}: calls answered;</li>
 * <li>{@code parley_echo_sessions_ended_total{reason}}: calls ended, {@code reason} is the lower-case
 * {@link EndReason} ({@code hangup}, {@code disconnected}, {@code time_limit}, {@code failed});</li>
 * <li>{@code parley_echo_sessions_refused_total{reason}}: calls refused, {@code busy} (every slot in use) or
 * {@code unavailable} (disabled, or the native library did not load);</li>
 * <li>{@code parley_echo_video_frames_echoed_total}: video frames sent back to callers;</li>
 * <li>{@code parley_echo_workers_started_total}: echo worker processes that reported ready;</li>
 * <li>{@code parley_echo_workers_failed_total}: echo worker processes that exited without being asked to (a crash,
 * a kill, or a failed start): alert on it.</li>
 * </ul>
 * Every series is registered up front so dashboards see zeros instead of missing series.
 */
@Singleton
public class MicrometerEchoMetrics implements EchoMetrics {

    private final AtomicInteger active = new AtomicInteger();
    private final Counter started;
    private final Map<EndReason, Counter> ended = new EnumMap<>(EndReason.class);
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);
    private final Counter framesEchoed;
    private final Counter workersStarted;
    private final Counter workersFailed;

    public MicrometerEchoMetrics(MeterRegistry registry) {
        Gauge.builder("parley.echo.sessions.active", active, AtomicInteger::get)
                .description("Echo test calls holding a server peer")
                .strongReference(true)
                .register(registry);
        started = Counter.builder("parley.echo.sessions.started").description("Echo test calls answered")
                .register(registry);
        for (EndReason reason : EndReason.values()) {
            ended.put(reason, Counter.builder("parley.echo.sessions.ended").tag("reason", tagValue(reason))
                    .description("Echo test calls ended, by reason").register(registry));
        }
        for (Refusal reason : Refusal.values()) {
            refused.put(reason, Counter.builder("parley.echo.sessions.refused").tag("reason", tagValue(reason))
                    .description("Echo test calls refused, by reason").register(registry));
        }
        framesEchoed = Counter.builder("parley.echo.video.frames.echoed")
                .description("Video frames sent back to echo test callers").register(registry);
        workersStarted = Counter.builder("parley.echo.workers.started")
                .description("Echo worker processes that reported ready").register(registry);
        workersFailed = Counter.builder("parley.echo.workers.failed")
                .description("Echo worker processes that exited without being asked to").register(registry);
    }

    private static String tagValue(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void activeSessions(int count) {
        active.set(count);
    }

    @Override
    public void sessionStarted() {
        started.increment();
    }

    @Override
    public void sessionEnded(EndReason reason) {
        ended.get(reason).increment();
    }

    @Override
    public void refused(Refusal reason) {
        refused.get(reason).increment();
    }

    @Override
    public void frameEchoed() {
        framesEchoed.increment();
    }

    @Override
    public void workerStarted() {
        workersStarted.increment();
    }

    @Override
    public void workerFailed() {
        workersFailed.increment();
    }
}
