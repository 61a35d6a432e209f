package io.parley.admin.provider.webrtc;

import io.parley.admin.provider.spi.CallProvider;
import jakarta.enterprise.context.ApplicationScoped;

/** The built-in provider: audio and video between browsers with WebRTC, enabled out of the box. */
@ApplicationScoped
public class WebRtcCallProvider implements CallProvider {

    /** The provider id signaling uses when a client names none. */
    public static final String ID = "webrtc";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String name() {
        return "WebRTC";
    }

    @Override
    public String description() {
        return "Audio and video calls between browsers, peer to peer or through a TURN relay when a network needs one.";
    }

    @Override
    public boolean enabledByDefault() {
        return true;
    }
}
