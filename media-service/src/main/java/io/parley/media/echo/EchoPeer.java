package io.parley.media.echo;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCBundlePolicy;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import org.jboss.logging.Logger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server's side of one echo test call: answers the caller's offer (non-trickle: the answer carries every
 * candidate), sends the caller's own video back and the {@link TestTone} as audio, and reads what it received
 * from libwebrtc's statistics.
 *
 * <p>Threads: libwebrtc calls the {@link Listener} on its signaling thread and the echo sink on a decoder thread;
 * every other method must run on the one control thread the peer was created on, which serialises native calls
 * with {@link #close()} (a call on a closed connection would touch freed memory).
 *
 * <p>Video goes through Java rather than by handing the received track to the sender: libwebrtc's encoder drops
 * every frame whose capture time is not after the previous one, and received frames carry the caller's clock,
 * which can be seconds behind the server's, so a natively forwarded track stalls. A {@link CustomVideoSource}
 * stamps each frame with the server's clock; the cost is one copy of each decoded frame.
 */
public final class EchoPeer implements EchoCall {

    // org.jboss.logging rather than io.quarkus.logging.Log: echo worker processes load this class outside Quarkus.
    private static final Logger LOG = Logger.getLogger(EchoPeer.class);

    /** What the owner of a peer hears about it; called on libwebrtc's threads, so it must return at once. */
    public interface Listener {
        /** ICE connected: media flows. */
        void connected();

        /** The caller's media stopped (ICE disconnected or closed). */
        void disconnected();

        /** ICE or DTLS failed. */
        void failed();

        /** One frame of the caller's video was sent back. */
        void frameEchoed();
    }

    private final Listener listener;
    private final TonePump tone;
    private final EchoEngine.Settings settings;
    private final CustomVideoSource videoSource;
    private final VideoTrack videoTrack;
    private final CustomAudioSource audioSource;
    private final AudioTrack audioTrack;
    private final RTCPeerConnection connection;
    private final Observer observer = new Observer();
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final VideoTrackSink echo = this::echo;
    private final Object videoLock = new Object();
    /** Guarded by {@link #videoLock}: once set, no frame reaches {@link #videoSource}. */
    private boolean videoClosed;
    private VideoTrack remoteVideo;
    private boolean toneFed;
    private boolean closed;

    EchoPeer(PeerConnectionFactory factory, TonePump tone, EchoEngine.Settings settings, Listener listener) {
        this.listener = listener;
        this.tone = tone;
        this.settings = settings;
        this.videoSource = new CustomVideoSource();
        this.audioSource = new CustomAudioSource();
        try {
            this.videoTrack = factory.createVideoTrack("echo-video", videoSource);
            this.audioTrack = factory.createAudioTrack("echo-tone", audioSource);
            this.connection = factory.createPeerConnection(configuration(settings), observer);
        } catch (RuntimeException e) {
            videoSource.dispose();
            audioSource.dispose();
            throw e;
        }
        observer.peer = this;
    }

    private static RTCConfiguration configuration(EchoEngine.Settings settings) {
        RTCConfiguration configuration = new RTCConfiguration();
        configuration.bundlePolicy = RTCBundlePolicy.MAX_BUNDLE;
        if (settings.udpPortMin() > 0 && settings.udpPortMax() >= settings.udpPortMin()) {
            configuration.portAllocatorConfig = new PortAllocatorConfig(settings.udpPortMin(), settings.udpPortMax(), 0);
        }
        return configuration;
    }

    /** Applies the offer, attaches the echo and the tone, and answers once candidates are gathered. */
    CompletableFuture<EchoPeer> negotiate(String offerSdp, Executor control) {
        return setDescription(false, new RTCSessionDescription(RTCSdpType.OFFER, offerSdp), true)
                .thenComposeAsync(v -> {
                    attachMedia();
                    return createAnswer();
                }, control)
                .thenComposeAsync(answer -> setDescription(true, answer, false), control)
                .thenCompose(v -> gathered.completeOnTimeout(null, settings.gatheringTimeout().toMillis(),
                        TimeUnit.MILLISECONDS))
                .thenApplyAsync(v -> this, control)
                .whenCompleteAsync((peer, error) -> {
                    if (error != null) {
                        close();
                    }
                }, control);
    }

    /** The answer, with every candidate gathered so far; valid once {@link #negotiate} completed. */
    @Override
    public String answerSdp() {
        RTCSessionDescription local = connection.getLocalDescription();
        return local == null ? null : local.sdp;
    }

    /** Whether the caller hears their own audio (always false here: see {@link EchoEngine}). */
    @Override
    public boolean audioEchoed() {
        return false;
    }

    /** Reads the current statistics; complete on a libwebrtc thread. */
    @Override
    public CompletableFuture<MediaReport> report() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("echo peer closed"));
        }
        CompletableFuture<RTCStatsReport> stats = new CompletableFuture<>();
        connection.getStats(stats::complete);
        return stats.thenApply(r -> MediaReport.from(r, audioEchoed()));
    }

    /**
     * Stops the echo and the tone, closes the connection and releases every native object this peer created, in
     * the order libwebrtc needs (nothing feeds a source once it is released). Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // webrtc-java keeps the observer for the life of the process (see EchoEngine): let it drop this peer.
        observer.peer = null;
        synchronized (videoLock) {
            videoClosed = true;
        }
        if (remoteVideo != null) {
            remoteVideo.removeSink(echo);
        }
        if (toneFed) {
            try {
                tone.remove(audioSource).get(5, TimeUnit.SECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                LOG.warnf(e, "echo test tone did not stop; releasing its source anyway");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connection.close();
        release(videoTrack);
        release(audioTrack);
        videoSource.dispose();
        audioSource.dispose();
    }

    private void attachMedia() {
        boolean video = false;
        boolean audio = false;
        for (RTCRtpTransceiver transceiver : connection.getTransceivers()) {
            MediaStreamTrack received = transceiver.getReceiver().getTrack();
            if (received instanceof VideoTrack remote && !video) {
                transceiver.setDirection(RTCRtpTransceiverDirection.SEND_RECV);
                transceiver.getSender().replaceTrack(videoTrack);
                remote.addSink(echo);
                remoteVideo = remote;
                video = true;
            } else if (received instanceof AudioTrack && !audio) {
                transceiver.setDirection(RTCRtpTransceiverDirection.SEND_RECV);
                transceiver.getSender().replaceTrack(audioTrack);
                audio = true;
            } else {
                transceiver.setDirection(RTCRtpTransceiverDirection.INACTIVE);
            }
        }
        if (!video && !audio) {
            throw new InvalidOfferException("the offer has no audio or video to echo");
        }
        if (audio) {
            tone.add(audioSource).join();
            toneFed = true;
        }
    }

    private void echo(VideoFrame frame) {
        try {
            synchronized (videoLock) {
                if (!videoClosed) {
                    videoSource.pushFrame(frame);
                    listener.frameEchoed();
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "echo: a video frame could not be sent back");
        } finally {
            // The sink receives its own copy of each frame; releasing it is ours to do.
            frame.release();
        }
    }

    private CompletableFuture<RTCSessionDescription> createAnswer() {
        CompletableFuture<RTCSessionDescription> answer = new CompletableFuture<>();
        connection.createAnswer(new RTCAnswerOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription description) {
                answer.complete(description);
            }

            @Override
            public void onFailure(String error) {
                answer.completeExceptionally(new InvalidOfferException("cannot be answered: " + error));
            }
        });
        return answer;
    }

    private CompletableFuture<Void> setDescription(boolean local, RTCSessionDescription description,
            boolean callersFault) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        SetSessionDescriptionObserver observer = new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                done.complete(null);
            }

            @Override
            public void onFailure(String error) {
                done.completeExceptionally(callersFault ? new InvalidOfferException(error)
                        : new IllegalStateException("setting the echo answer failed: " + error));
            }
        };
        try {
            if (local) {
                connection.setLocalDescription(description, observer);
            } else {
                connection.setRemoteDescription(description, observer);
            }
        } catch (Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            // webrtc-java throws Error when libwebrtc cannot even parse the description.
            observer.onFailure(e.getMessage());
        }
        return done;
    }

    /** Drops this peer's reference to a track; senders of the closed connection may still hold theirs. */
    private static void release(MediaStreamTrack track) {
        try {
            track.dispose();
        } catch (Error stillReferenced) {
            // webrtc-java throws Error("Native object was not deleted...") after releasing our reference when
            // libwebrtc still holds one; the track is freed when that holder lets go, so nothing leaks.
            LOG.tracef("echo: %s", stillReferenced.getMessage());
        }
    }

    /** Relays libwebrtc's state changes to the peer until it is closed; never blocks (libwebrtc's signaling thread). */
    private static final class Observer implements PeerConnectionObserver {

        volatile EchoPeer peer;

        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            // Non-trickle: candidates reach the caller inside the answer.
        }

        @Override
        public void onIceGatheringChange(RTCIceGatheringState state) {
            EchoPeer target = peer;
            if (target != null && state == RTCIceGatheringState.COMPLETE) {
                target.gathered.complete(null);
            }
        }

        @Override
        public void onIceConnectionChange(RTCIceConnectionState state) {
            EchoPeer target = peer;
            if (target == null) {
                return;
            }
            switch (state) {
                case CONNECTED, COMPLETED -> target.listener.connected();
                case DISCONNECTED, CLOSED -> target.listener.disconnected();
                case FAILED -> target.listener.failed();
                default -> {
                }
            }
        }

        @Override
        public void onConnectionChange(RTCPeerConnectionState state) {
            EchoPeer target = peer;
            if (target != null && state == RTCPeerConnectionState.FAILED) {
                target.listener.failed();
            }
        }
    }
}
