package io.parley.media.echo;

import java.util.concurrent.CompletableFuture;

/**
 * The server's side of one answered echo test call, wherever its peer runs: in this JVM ({@link EchoPeer}) or in an
 * echo worker process ({@code io.parley.media.echo.worker}). Callers use it from one control thread.
 */
public interface EchoCall {

    /** The answer SDP, with every candidate gathered. */
    String answerSdp();

    /** Whether the caller hears their own audio (false: they hear the test tone, see {@link EchoEngine}). */
    boolean audioEchoed();

    /** The current statistics; fails once the call is closed or its peer is gone. */
    CompletableFuture<MediaReport> report();

    /** Closes the peer and releases what it holds; idempotent. */
    void close();
}
