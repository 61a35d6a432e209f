package io.parley.media.echo;

import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import org.jboss.logging.Logger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the {@link TestTone} to every echo call's audio source from one thread, every 10 ms. One thread for all
 * calls keeps the cost flat, and a source is only ever fed from this thread, which libwebrtc's audio send
 * stream requires (it aborts the process when two threads feed it at once).
 */
final class TonePump implements AutoCloseable {
    // org.jboss.logging: echo worker processes load this class outside Quarkus.
    private static final Logger LOG = Logger.getLogger(TonePump.class);

    private final TestTone tone = new TestTone();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "echo-tone");
        t.setDaemon(true);
        return t;
    });
    /** Touched on {@link #thread} only. */
    private final List<Feed> feeds = new ArrayList<>();

    TonePump() {
        thread.scheduleAtFixedRate(this::tick, 10, 10, TimeUnit.MILLISECONDS);
    }

    /** Starts feeding {@code source}. */
    CompletableFuture<Void> add(CustomAudioSource source) {
        return CompletableFuture.runAsync(() -> feeds.add(new Feed(source)), thread);
    }

    /** Stops feeding {@code source}; once complete, the source is never touched again. */
    CompletableFuture<Void> remove(CustomAudioSource source) {
        return CompletableFuture.runAsync(() -> feeds.removeIf(f -> f.source == source), thread);
    }

    private void tick() {
        for (Feed feed : feeds) {
            try {
                feed.source.pushAudio(tone.chunk(feed.next++), TestTone.BITS_PER_SAMPLE, TestTone.SAMPLE_RATE,
                        TestTone.CHANNELS, TestTone.FRAMES_PER_CHUNK);
            } catch (RuntimeException e) {
                // One broken source must not stop the tone of every other call (nor the scheduled task).
                LOG.warnf(e, "echo test tone: pushing audio failed");
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private static final class Feed {
        final CustomAudioSource source;
        long next;

        Feed(CustomAudioSource source) {
            this.source = source;
        }
    }
}
