package io.parley.media.echo;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceConnectionState;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.audio.AudioDeviceModule;
import dev.onvoid.webrtc.media.audio.AudioLayer;
import dev.onvoid.webrtc.media.audio.AudioTrack;
import dev.onvoid.webrtc.media.audio.CustomAudioSource;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A caller of the echo test made of real webrtc-java parts, as a browser would call it: sends a generated video
 * (a moving gradient) from a custom video source at a fixed size and frame rate, and a 1 kHz tone from a custom
 * audio source, offers once its ICE candidates are gathered, and counts the video frames it gets back.
 *
 * <p>Its factory uses libwebrtc's dummy audio device (never records), so the custom audio source is the only
 * thread feeding the audio sender. Setup, statistics and closing are meant for one (the test's) thread.
 */
public final class EchoTestClient implements AutoCloseable {

    private static final int SAMPLE_RATE = 48_000;
    private static final int SAMPLES_PER_CHUNK = SAMPLE_RATE / 100;

    private final int width;
    private final int height;
    private final AudioDeviceModule audioDevices;
    private final PeerConnectionFactory factory;
    private final CustomVideoSource videoSource;
    private final VideoTrack videoTrack;
    private final CustomAudioSource audioSource;
    private final AudioTrack audioTrack;
    private final RTCPeerConnection connection;
    private final ScheduledExecutorService pumps;
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final AtomicInteger framesReceived = new AtomicInteger();
    private final AtomicLong lastSize = new AtomicLong();
    private final VideoTrackSink counter = this::received;
    private volatile RTCIceConnectionState iceState = RTCIceConnectionState.NEW;
    private String offer;
    private VideoTrack remoteVideo;
    private boolean closed;

    private EchoTestClient(int width, int height, int framesPerSecond) {
        this.width = width;
        this.height = height;
        // The factory loads the native library; custom sources need it loaded first.
        audioDevices = new AudioDeviceModule(AudioLayer.kDummyAudio);
        factory = new PeerConnectionFactory(audioDevices);
        videoSource = new CustomVideoSource();
        videoTrack = factory.createVideoTrack("caller-video", videoSource);
        audioSource = new CustomAudioSource();
        audioTrack = factory.createAudioTrack("caller-audio", audioSource);
        connection = factory.createPeerConnection(new RTCConfiguration(), new Observer());
        connection.addTrack(videoTrack, List.of("caller"));
        connection.addTrack(audioTrack, List.of("caller"));
        pumps = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "echo-test-client-media");
            t.setDaemon(true);
            return t;
        });
        AtomicLong frame = new AtomicLong();
        byte[] gradient = new byte[width + height + 256];
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] = (byte) i;
        }
        pumps.scheduleAtFixedRate(() -> pushFrame(gradient, frame.getAndIncrement()), 0,
                1_000_000 / framesPerSecond, TimeUnit.MICROSECONDS);
        byte[] tone = new byte[SAMPLES_PER_CHUNK * 2];
        AtomicLong sample = new AtomicLong();
        pumps.scheduleAtFixedRate(() -> pushTone(tone, sample), 0, 10, TimeUnit.MILLISECONDS);
    }

    /** Starts sending {@code width x height} video at {@code framesPerSecond}, and the tone. */
    public static EchoTestClient start(int width, int height, int framesPerSecond) {
        return new EchoTestClient(width, height, framesPerSecond);
    }

    /** The complete offer: waits (up to 10 s) until every local ICE candidate is in it; the same on every call. */
    public String offer() throws Exception {
        if (offer == null) {
            offer = createOffer();
        }
        return offer;
    }

    private String createOffer() throws Exception {
        CompletableFuture<RTCSessionDescription> offer = new CompletableFuture<>();
        connection.createOffer(new RTCOfferOptions(), new CreateSessionDescriptionObserver() {
            @Override
            public void onSuccess(RTCSessionDescription description) {
                offer.complete(description);
            }

            @Override
            public void onFailure(String error) {
                offer.completeExceptionally(new IllegalStateException(error));
            }
        });
        set(true, offer.get(10, TimeUnit.SECONDS));
        gathered.get(10, TimeUnit.SECONDS);
        return connection.getLocalDescription().sdp;
    }

    /** Applies the server's answer; media starts flowing once ICE connects. */
    public void accept(String answerSdp) throws Exception {
        set(false, new RTCSessionDescription(RTCSdpType.ANSWER, answerSdp));
        for (RTCRtpTransceiver transceiver : connection.getTransceivers()) {
            MediaStreamTrack track = transceiver.getReceiver().getTrack();
            if (track instanceof VideoTrack video && remoteVideo == null) {
                video.addSink(counter);
                remoteVideo = video;
            }
        }
    }

    /** Video frames received back so far. */
    public int framesReceived() {
        return framesReceived.get();
    }

    /** Width and height of the last frame received back, as {@code "640x480"}; empty before the first. */
    public String lastFrameSize() {
        long size = lastSize.get();
        return size == 0 ? "" : (size >>> 32) + "x" + (size & 0xffffffffL);
    }

    public boolean iceConnected() {
        return iceState == RTCIceConnectionState.CONNECTED || iceState == RTCIceConnectionState.COMPLETED;
    }

    /** RTP packets of audio the server sent (its tone or echo), from this peer's statistics. */
    public long audioPacketsReceived() throws Exception {
        CompletableFuture<RTCStatsReport> report = new CompletableFuture<>();
        connection.getStats(report::complete);
        for (RTCStats stats : report.get(5, TimeUnit.SECONDS).getStats().values()) {
            if (stats.getType() == RTCStatsType.INBOUND_RTP && "audio".equals(stats.getAttributes().get("kind"))
                    && stats.getAttributes().get("packetsReceived") instanceof Number packets) {
                return packets.longValue();
            }
        }
        return 0;
    }

    /** Hangs up the way a closed browser tab does: the connection closes, nothing is said to the server. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pumps.shutdownNow();
        try {
            if (!pumps.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test client's media threads did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (remoteVideo != null) {
            remoteVideo.removeSink(counter);
        }
        connection.close();
        release(videoTrack);
        release(audioTrack);
        videoSource.dispose();
        audioSource.dispose();
        factory.dispose();
        audioDevices.dispose();
    }

    private void pushFrame(byte[] gradient, long index) {
        NativeI420Buffer buffer = NativeI420Buffer.allocate(width, height);
        ByteBuffer y = buffer.getDataY();
        int shift = (int) (index * 4 % 256);
        for (int row = 0; row < height; row++) {
            y.position(row * buffer.getStrideY());
            y.put(gradient, row + shift, width);
        }
        fill(buffer.getDataU(), (byte) 90);
        fill(buffer.getDataV(), (byte) 160);
        VideoFrame frame = new VideoFrame(buffer, System.nanoTime());
        try {
            videoSource.pushFrame(frame);
        } finally {
            frame.release();
        }
    }

    private static void fill(ByteBuffer plane, byte value) {
        for (int i = 0; i < plane.capacity(); i++) {
            plane.put(i, value);
        }
    }

    private void pushTone(byte[] chunk, AtomicLong sample) {
        for (int i = 0; i < SAMPLES_PER_CHUNK; i++) {
            short value = (short) (6000 * Math.sin(2 * Math.PI * 1000 * sample.getAndIncrement() / SAMPLE_RATE));
            chunk[2 * i] = (byte) value;
            chunk[2 * i + 1] = (byte) (value >> 8);
        }
        audioSource.pushAudio(chunk, 16, SAMPLE_RATE, 1, SAMPLES_PER_CHUNK);
    }

    private void received(VideoFrame frame) {
        try {
            framesReceived.incrementAndGet();
            lastSize.set(((long) frame.buffer.getWidth() << 32) | frame.buffer.getHeight());
        } finally {
            frame.release();
        }
    }

    private void set(boolean local, RTCSessionDescription description) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        SetSessionDescriptionObserver observer = new SetSessionDescriptionObserver() {
            @Override
            public void onSuccess() {
                done.complete(null);
            }

            @Override
            public void onFailure(String error) {
                done.completeExceptionally(new IllegalStateException(error));
            }
        };
        if (local) {
            connection.setLocalDescription(description, observer);
        } else {
            connection.setRemoteDescription(description, observer);
        }
        done.get(10, TimeUnit.SECONDS);
    }

    private static void release(MediaStreamTrack track) {
        try {
            track.dispose();
        } catch (Error stillReferenced) {
            // webrtc-java reports a track libwebrtc still references as an Error, after dropping our reference.
        }
    }

    private final class Observer implements PeerConnectionObserver {
        @Override
        public void onIceCandidate(RTCIceCandidate candidate) {
            // Non-trickle: the candidates travel in the offer.
        }

        @Override
        public void onIceGatheringChange(RTCIceGatheringState state) {
            if (state == RTCIceGatheringState.COMPLETE) {
                gathered.complete(null);
            }
        }

        @Override
        public void onIceConnectionChange(RTCIceConnectionState state) {
            iceState = state;
        }
    }
}
