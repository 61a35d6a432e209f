package io.parley.admin.clientconfig.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What a client needs to place calls, for the signed-in user.
 *
 * @param version the settings version (as on {@code parley.settings}); a client that sees a newer one fetches again
 * @param providers the enabled call providers
 * @param rtcConfiguration to pass to {@code new RTCPeerConnection(...)} as is
 * @param turnCredentialsExpireAt when the per-user credentials of Parley's relay expire (fetch again before);
 *        absent when Parley's relay is not used
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientConfig(long version, List<Provider> providers, RtcConfiguration rtcConfiguration,
        Instant turnCredentialsExpireAt) {

    /** An enabled call provider: its {@code id} is what the client sends as {@code provider} when calling. */
    public record Provider(String id, String name, String description) {
    }

    /** The W3C RTCConfiguration subset Parley manages. */
    public record RtcConfiguration(List<RtcIceServer> iceServers, String iceTransportPolicy, String bundlePolicy,
            int iceCandidatePoolSize) {
    }

    /** A W3C RTCIceServer; username and credential only where the server needs them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RtcIceServer(List<String> urls, String username, String credential) {
    }
}
