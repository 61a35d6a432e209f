package io.parley.admin.webrtc.model;

import java.util.List;

/**
 * The WebRTC settings as an administrator saves them: every field is required (the whole settings are
 * replaced); types are loose so that a wrong value is refused with a message naming its field.
 *
 * @param version the version read; a stale one is refused with 409 CONFLICT
 * @param iceServers the ICE servers, at most 20
 * @param iceTransportPolicy {@code all} or {@code relay}
 * @param bundlePolicy {@code balanced}, {@code max-compat} or {@code max-bundle}
 * @param iceCandidatePoolSize 0..10
 * @param useParleyTurn whether clients get Parley's relay with per-user credentials
 * @param parleyTurnUrls {@code turn:}/{@code turns:} URIs of Parley's relay
 */
public record WebRtcSettingsUpdate(Long version, List<IceServerInput> iceServers, String iceTransportPolicy,
        String bundlePolicy, Integer iceCandidatePoolSize, Boolean useParleyTurn, List<String> parleyTurnUrls) {

    /**
     * One ICE server as sent.
     *
     * @param id the id read for an existing server; absent for a new one
     * @param urls 1 to 10 {@code stun:}, {@code turn:} or {@code turns:} URLs
     * @param username required with TURN URLs
     * @param credential required with TURN URLs; {@link IceServer#MASK} keeps the stored credential of server {@code id}
     * @param enabled whether clients get it; absent means true
     */
    public record IceServerInput(String id, List<String> urls, String username, String credential, Boolean enabled) {
    }
}
