package io.parley.admin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Settings of the admin service ({@code parley.admin.*}); every default works with {@code ./parley up}. */
@ConfigMapping(prefix = "parley.admin")
public interface AdminConfig {

    /** Members of this group (token claim {@code groups}) may read and change settings and read the audit. */
    @WithDefault("/platform/administrators")
    String group();

    /** How often the start-up settings event is tried again until it was sent (the outbox has its own sweeper). */
    @WithDefault("1s")
    Duration sweepInterval();

    /** What clients get before an administrator saved WebRTC settings. */
    WebRtcDefaults webrtc();

    /** Out-of-the-box WebRTC settings ({@code parley.admin.webrtc.*}). */
    interface WebRtcDefaults {

        /**
         * STUN server URLs of the default ICE server. A data default only: it is handed to browsers, the
         * service never contacts it; outside dev and test the service warns when nothing else is configured.
         */
        @WithDefault("stun:stun.l.google.com:19302")
        List<String> stunUrls();

        /** URIs of Parley's own TURN relay (media-service) handed out with per-user credentials. */
        @WithDefault("turn:localhost:3478?transport=udp,turn:localhost:3478?transport=tcp")
        List<String> parleyTurnUrls();
    }
}
