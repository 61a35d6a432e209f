package io.parley.media.echo;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * libwebrtc for the echo test call: one peer connection factory (its network, worker and signaling threads) shared
 * by every call, and the thread that feeds the test tone.
 *
 * <p>The audio device module is libwebrtc's dummy one, on purpose: it never records, so the only thread that
 * feeds a call's audio is the {@link TonePump}. webrtc-java 0.14.0's headless module records silence on a thread
 * of its own into every audio send stream, and a second feeder makes libwebrtc abort the whole JVM
 * ({@code audio_send_stream.cc: race_checker.RaceDetected()}, webrtc-java issue #217). The price: with no playout
 * either, nothing decodes the caller's audio, so it cannot be echoed and its level is unknown.
 */
public final class EchoEngine implements EchoBackend {

    /**
     * @param gatheringTimeout longest wait for ICE candidates before answering with those gathered so far
     * @param udpPortMin first UDP port of the server's candidates, 0 for any
     * @param udpPortMax last UDP port, 0 for any
     */
    public record Settings(Duration gatheringTimeout, int udpPortMin, int udpPortMax) {
    }

    private final Settings settings;
    private final AudioDeviceModule audioDevices;
    private final PeerConnectionFactory factory;
    private final TonePump tone;

    private EchoEngine(Settings settings, AudioDeviceModule audioDevices, PeerConnectionFactory factory) {
        this.settings = settings;
        this.audioDevices = audioDevices;
        this.factory = factory;
        this.tone = new TonePump();
    }

    /**
     * Loads the native library and creates the factory.
     *
     * @throws IllegalStateException naming the cause when the native library cannot be loaded or initialised
     */
    public static EchoEngine start(Settings settings) {
        AudioDeviceModule audioDevices = null;
        try {
            audioDevices = new AudioDeviceModule(AudioLayer.kDummyAudio);
            return new EchoEngine(settings, audioDevices, new PeerConnectionFactory(audioDevices));
        } catch (LinkageError | RuntimeException e) {
            // ExceptionInInitializerError/UnsatisfiedLinkError when the library is missing, for another platform,
            // or cannot be extracted (e.g. a noexec temporary directory).
            if (audioDevices != null) {
                audioDevices.dispose();
            }
            throw new IllegalStateException("the native WebRTC library did not load: " + rootCause(e), e);
        }
    }

    /**
     * Creates a peer for {@code offerSdp} and answers it once its ICE candidates are gathered. Every step runs on
     * {@code control}, the one thread that may touch the returned peer's native objects.
     *
     * @return completes with the answered peer, or with {@link InvalidOfferException} when the offer cannot be
     *         answered (the peer is then already closed)
     */
    @Override
    public CompletableFuture<EchoPeer> answer(String offerSdp, EchoPeer.Listener listener, Executor control) {
        return CompletableFuture.supplyAsync(() -> new EchoPeer(factory, tone, settings, listener), control)
                .thenCompose(peer -> peer.negotiate(offerSdp, control));
    }

    @Override
    public void close() {
        tone.close();
        factory.dispose();
        audioDevices.dispose();
    }

    @Override
    public String toString() {
        return "in the service's JVM";
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
