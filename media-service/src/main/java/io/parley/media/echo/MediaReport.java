package io.parley.media.echo;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import java.util.Map;

/**
 * What the server received from and sent to the caller in one echo test call, read from libwebrtc's statistics
 * (the W3C WebRTC stats the browser also shows); {@code null} wherever libwebrtc does not know (yet).
 *
 * @param roundTripTimeMs round trip between caller and server: RTCP's measure on the media path, else ICE's
 */
public record MediaReport(Video video, Audio audio, Double roundTripTimeMs) {

    /**
     * The caller's video as the server received it, and the frames sent back.
     *
     * @param framesSent frames the server encoded and sent back to the caller
     */
    public record Video(Long framesReceived, Integer frameWidth, Integer frameHeight, Double framesPerSecond,
            Long packetsReceived, Long packetsLost, Long framesSent) {
    }

    /**
     * The caller's audio as the server received it.
     *
     * @param level input level 0..1 of the decoded audio; null when the server does not decode the caller's audio
     * @param echoed true when the caller hears their own audio back, false when they hear the test tone
     */
    public record Audio(Long packetsReceived, Long packetsLost, Double level, boolean echoed) {
    }

    /** Nothing known yet. */
    public static MediaReport unknown(boolean audioEchoed) {
        return new MediaReport(new Video(null, null, null, null, null, null, null),
                new Audio(null, null, null, audioEchoed), null);
    }

    /** Reads a peer connection's statistics (inbound-rtp, outbound-rtp, remote-inbound-rtp, candidate-pair). */
    public static MediaReport from(RTCStatsReport report, boolean audioEchoed) {
        Map<String, Object> videoIn = null;
        Map<String, Object> videoOut = null;
        Map<String, Object> audioIn = null;
        Double videoRtt = null;
        Double audioRtt = null;
        Double iceRtt = null;
        for (RTCStats stats : report.getStats().values()) {
            Map<String, Object> a = stats.getAttributes();
            boolean video = "video".equals(a.get("kind"));
            boolean audio = "audio".equals(a.get("kind"));
            RTCStatsType type = stats.getType();
            if (type == RTCStatsType.INBOUND_RTP && video && videoIn == null) {
                videoIn = a;
            } else if (type == RTCStatsType.INBOUND_RTP && audio && audioIn == null) {
                audioIn = a;
            } else if (type == RTCStatsType.OUTBOUND_RTP && video && videoOut == null) {
                videoOut = a;
            } else if (type == RTCStatsType.REMOTE_INBOUND_RTP && video) {
                videoRtt = number(a, "roundTripTime");
            } else if (type == RTCStatsType.REMOTE_INBOUND_RTP && audio) {
                audioRtt = number(a, "roundTripTime");
            } else if (type == RTCStatsType.CANDIDATE_PAIR && Boolean.TRUE.equals(a.get("nominated"))
                    && "succeeded".equals(a.get("state"))) {
                iceRtt = number(a, "currentRoundTripTime");
            }
        }
        Video videoReport = new Video(count(videoIn, "framesReceived"), integer(videoIn, "frameWidth"),
                integer(videoIn, "frameHeight"), number(videoIn, "framesPerSecond"), count(videoIn, "packetsReceived"),
                count(videoIn, "packetsLost"), count(videoOut, "framesSent"));
        // libwebrtc reports a level of 0 for audio it never decoded: only decoded samples make a level known.
        Long decodedSamples = count(audioIn, "totalSamplesReceived");
        Double level = decodedSamples != null && decodedSamples > 0 ? number(audioIn, "audioLevel") : null;
        Audio audioReport = new Audio(count(audioIn, "packetsReceived"), count(audioIn, "packetsLost"), level,
                audioEchoed);
        Double rttSeconds = videoRtt != null ? videoRtt : audioRtt != null ? audioRtt : iceRtt;
        return new MediaReport(videoReport, audioReport, rttSeconds == null ? null : rttSeconds * 1000);
    }

    private static Double number(Map<String, Object> attributes, String name) {
        return attributes != null && attributes.get(name) instanceof Number n ? n.doubleValue() : null;
    }

    private static Long count(Map<String, Object> attributes, String name) {
        return attributes != null && attributes.get(name) instanceof Number n ? n.longValue() : null;
    }

    private static Integer integer(Map<String, Object> attributes, String name) {
        return attributes != null && attributes.get(name) instanceof Number n ? n.intValue() : null;
    }
}
