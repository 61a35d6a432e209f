package io.parley.media.echo;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** What answers echo test calls: libwebrtc in this JVM ({@link EchoEngine}) or in worker processes. */
public interface EchoBackend extends AutoCloseable {

    /**
     * Answers {@code offerSdp} with a new server peer that reports to {@code listener}.
     *
     * @param control the one thread the caller uses for this call
     * @return completes with the answered call; fails with {@link InvalidOfferException} when the offer cannot be
     *         answered, with {@link EchoUnavailableException} when no peer can run right now
     */
    CompletableFuture<? extends EchoCall> answer(String offerSdp, EchoPeer.Listener listener, Executor control);

    /** Ends every call still running and releases the native library (or stops the workers). */
    @Override
    void close();
}
