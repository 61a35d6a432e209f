package io.parley.admin.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.admin.webrtc.model.BundlePolicy;
import io.parley.admin.webrtc.model.IceServer;
import io.parley.admin.webrtc.model.IceTransportPolicy;
import io.parley.admin.webrtc.model.WebRtcSettings;
import io.parley.admin.webrtc.model.WebRtcSettingsUpdate;
import io.parley.admin.webrtc.model.WebRtcSettingsUpdate.IceServerInput;
import io.parley.admin.webrtc.service.WebRtcSettingsValidator;
import io.parley.protocol.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The URL shapes and credential rules of ICE servers, without a running service. */
class WebRtcSettingsValidatorTest {

    private static final WebRtcSettings STORED = new WebRtcSettings(4,
            List.of(new IceServer("relay-1", List.of("turn:turn.example.org"), "user", "stored-secret", true)),
            IceTransportPolicy.ALL, BundlePolicy.BALANCED, 0, false, List.of());

    @Test
    void acceptsTheUrlFormsBrowsersAccept() {
        WebRtcSettings settings = validate(new IceServerInput(null, List.of("stun:stun.example.org",
                "stun:192.0.2.1:3478", "stun:[2001:db8::1]:19302"), null, null, null),
                new IceServerInput(null, List.of("turn:turn.example.org:3478?transport=udp",
                        "turn:[2001:db8::2]?transport=tcp", "turns:turn.example.org:443?transport=tcp"), "u", "c", false));
        assertEquals(2, settings.iceServers().size());
        assertTrue(settings.iceServers().get(0).enabled(), "enabled unless said otherwise");
        assertEquals(false, settings.iceServers().get(1).enabled());
        assertEquals(5, settings.version());
    }

    @Test
    void refusesOtherSchemesQueriesAndPorts() {
        for (String url : List.of("http://stun.example.org", "stuns:stun.example.org", "stun:stun.example.org?x=1",
                "turn:turn.example.org?transport=sctp", "stun:stun.example.org:0", "stun:-bad-.example.org",
                "turn:turn.example.org:70000", "STUN:stun.example.org", "stun:stun.example.org/path")) {
            ApiException refused = assertThrows(ApiException.class,
                    () -> validate(new IceServerInput(null, List.of(url), "u", "c", true)), url);
            assertTrue(refused.getMessage().startsWith("iceServers[0].urls[0]: "), refused.getMessage());
        }
    }

    @Test
    void theMaskKeepsTheCredentialOfTheServerWithTheSameId() {
        WebRtcSettings settings = validate(new IceServerInput("relay-1", List.of("turn:turn.example.org"), "user",
                IceServer.MASK, true));
        assertEquals("stored-secret", settings.iceServers().get(0).credential());
        ApiException refused = assertThrows(ApiException.class, () -> validate(new IceServerInput("other",
                List.of("turn:turn.example.org"), "user", IceServer.MASK, true)));
        assertTrue(refused.getMessage().contains("iceServers[0].credential"), refused.getMessage());
    }

    @Test
    void duplicateIdsAreRefused() {
        ApiException refused = assertThrows(ApiException.class, () -> validate(
                new IceServerInput("same", List.of("stun:a.example.org"), null, null, true),
                new IceServerInput("same", List.of("stun:b.example.org"), null, null, true)));
        assertEquals(400, refused.status());
        assertEquals("INVALID_PAYLOAD", refused.code());
        assertTrue(refused.getMessage().contains("iceServers[1].id"), refused.getMessage());
    }

    private static WebRtcSettings validate(IceServerInput... servers) {
        return WebRtcSettingsValidator.validate(new WebRtcSettingsUpdate(4L, List.of(servers), "all", "balanced", 0,
                false, List.of()), STORED, 5);
    }
}
