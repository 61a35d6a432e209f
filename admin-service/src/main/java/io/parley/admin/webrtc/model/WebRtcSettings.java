package io.parley.admin.webrtc.model;

import java.util.List;

/**
 * The WebRTC settings administrators manage: what goes into every client's RTCConfiguration.
 *
 * @param version send it back when saving; 0 until the first save (defaults)
 * @param iceServers STUN/TURN servers, at most 20
 * @param iceTransportPolicy {@code all} or {@code relay}
 * @param bundlePolicy {@code balanced}, {@code max-compat} or {@code max-bundle}
 * @param iceCandidatePoolSize 0..10
 * @param useParleyTurn whether clients get Parley's own TURN relay with fresh per-user credentials
 * @param parleyTurnUrls the URIs of Parley's relay handed out when {@code useParleyTurn}
 */
public record WebRtcSettings(long version, List<IceServer> iceServers, IceTransportPolicy iceTransportPolicy,
        BundlePolicy bundlePolicy, int iceCandidatePoolSize, boolean useParleyTurn, List<String> parleyTurnUrls) {

    public WebRtcSettings {
        iceServers = List.copyOf(iceServers);
        parleyTurnUrls = List.copyOf(parleyTurnUrls);
    }

    /** The settings as administrators read them: stored ICE credentials masked. */
    public WebRtcSettings masked() {
        return new WebRtcSettings(version, iceServers.stream().map(IceServer::masked).toList(), iceTransportPolicy,
                bundlePolicy, iceCandidatePoolSize, useParleyTurn, parleyTurnUrls);
    }
}
