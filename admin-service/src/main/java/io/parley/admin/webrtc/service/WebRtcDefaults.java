package io.parley.admin.webrtc.service;

import io.parley.admin.AdminConfig;
import io.parley.admin.webrtc.model.BundlePolicy;
import io.parley.admin.webrtc.model.IceServer;
import io.parley.admin.webrtc.model.IceTransportPolicy;
import io.parley.admin.webrtc.model.WebRtcSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The WebRTC settings in force until an administrator saves some: one public STUN server, browser defaults. */
@ApplicationScoped
public class WebRtcDefaults {

    /** Id of the out-of-the-box STUN server, so an administrator's edit of it keeps its identity. */
    public static final String DEFAULT_STUN_ID = "default-stun";

    private final AdminConfig.WebRtcDefaults config;

    public WebRtcDefaults(AdminConfig config) {
        this.config = config.webrtc();
    }

    public WebRtcSettings settings() {
        return new WebRtcSettings(0, List.of(new IceServer(DEFAULT_STUN_ID, config.stunUrls(), null, null, true)),
                IceTransportPolicy.ALL, BundlePolicy.BALANCED, 0, false, config.parleyTurnUrls());
    }

    /**
     * Whether clients would get nothing but the default STUN server: no TURN relay at all, so calls between
     * users behind restrictive NATs or firewalls fail.
     */
    public boolean onlyTheDefaultStunServer(WebRtcSettings settings) {
        return !settings.useParleyTurn() && settings.iceServers().stream().filter(IceServer::enabled)
                .allMatch(server -> config.stunUrls().containsAll(server.urls()));
    }
}
