package io.parley.e2e.browser;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Page;
import io.parley.e2e.SharedStack;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Chromium's own WebRTC stack against Parley's TURN relay: an administrator sets the ICE transport policy
 * to {@code relay}; two browsers take their RTCConfiguration from {@code /api/admin/client-config} (with
 * the per-user relay credentials it mints) and connect a camera-and-microphone call whose only candidates
 * are relayed ones. The test passes the offer and answer between the two pages itself, so that what is
 * proven is the relay: allocation, permissions, channel binding and forwarding in both directions.
 */
@ExtendWith(SharedStack.class)
class RelayInteropBrowserIT {

    /** Builds the peer connection from Parley's client configuration and opens camera and microphone. */
    private static final String SETUP = """
            async () => {
              const config = await (await fetch('/api/admin/client-config')).json();
              const pc = new RTCPeerConnection(config.rtcConfiguration);
              window.relayTest = { pc, config };
              const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
              media.getTracks().forEach(track => pc.addTrack(track, media));
              return config.rtcConfiguration.iceTransportPolicy;
            }""";
    /** Waits until every candidate is gathered (no trickle), returns the local description. */
    private static final String GATHERED = """
            async () => {
              const pc = window.relayTest.pc;
              if (pc.iceGatheringState !== 'complete') {
                await new Promise(done => pc.addEventListener('icegatheringstatechange',
                    () => pc.iceGatheringState === 'complete' && done()));
              }
              return pc.localDescription.sdp;
            }""";
    private static final String STATS = """
            async () => {
              const pc = window.relayTest.pc;
              const stats = await pc.getStats();
              const result = { state: pc.connectionState, framesDecoded: 0, localType: null, remoteType: null };
              stats.forEach(s => {
                if (s.type === 'inbound-rtp' && s.kind === 'video') result.framesDecoded = s.framesDecoded || 0;
                if (s.type === 'transport' && s.selectedCandidatePairId) {
                  const pair = stats.get(s.selectedCandidatePairId);
                  result.localType = stats.get(pair.localCandidateId)?.candidateType ?? null;
                  result.remoteType = stats.get(pair.remoteCandidateId)?.candidateType ?? null;
                }
              });
              return result;
            }""";

    private static Chromium chromium;
    private static Person admin;
    private static Person alice;
    private static Person bob;

    @BeforeAll
    static void browsers() {
        chromium = new Chromium();
        admin = new Person(chromium.launch(), "admin", SharedStack.gateway());
        alice = new Person(chromium.launch(), "alice", SharedStack.gateway());
        bob = new Person(chromium.launch(), "bob", SharedStack.gateway());
    }

    @AfterAll
    static void close() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void chromiumCallsThroughParleysRelayOnlyWhenThePolicyIsRelay() throws Exception {
        Page adminPage = admin.open("/admin/");
        JsonNode original = WebRtcSettings.read(adminPage);
        ObjectNode relayOnly = original.deepCopy();
        relayOnly.put("iceTransportPolicy", "relay");
        relayOnly.put("useParleyTurn", true);
        JsonNode saved = WebRtcSettings.save(adminPage, relayOnly);
        double relayedBefore = relayedPackets();
        try {
            Page caller = alice.open("/admin/");
            Page callee = bob.open("/admin/");
            assertEquals("relay", caller.evaluate(SETUP));
            assertEquals("relay", callee.evaluate(SETUP));
            caller.evaluate("async () => { const pc = window.relayTest.pc;"
                    + " await pc.setLocalDescription(await pc.createOffer()); }");
            String offer = (String) caller.evaluate(GATHERED);
            assertTrue(offer.contains(" typ relay"), "the caller gathered no relay candidate:\n" + offer);
            assertTrue(!offer.contains(" typ host"), "policy relay must hide host candidates:\n" + offer);
            assertTrue(offer.contains(SharedStack.HOST_ADDRESS), "relayed address is Parley's:\n" + offer);

            callee.evaluate("async offer => { const pc = window.relayTest.pc;"
                    + " await pc.setRemoteDescription({ type: 'offer', sdp: offer });"
                    + " await pc.setLocalDescription(await pc.createAnswer()); }", offer);
            String answer = (String) callee.evaluate(GATHERED);
            assertTrue(answer.contains(" typ relay"), "the callee gathered no relay candidate:\n" + answer);
            caller.evaluate("answer => window.relayTest.pc.setRemoteDescription({ type: 'answer', sdp: answer })", answer);

            for (Page page : new Page[] {caller, callee}) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> stats = (Map<String, Object>) page.evaluate(STATS);
                    assertEquals("connected", stats.get("state"), stats.toString());
                    assertEquals("relay", stats.get("localType"), stats.toString());
                    assertTrue(((Number) stats.get("framesDecoded")).intValue() > 30,
                            "video frames decoded through the relay: " + stats);
                });
            }
            // Each scrape is bounded (PrometheusMetrics.SCRAPE_TIMEOUT); several fit in the wait on a busy machine.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertTrue(relayedPackets() > relayedBefore + 100, "media-service counted the relayed packets"));
        } finally {
            ObjectNode restore = original.deepCopy();
            restore.put("version", saved.get("version").asInt());
            WebRtcSettings.save(adminPage, restore);
        }
    }

    /** Packets media-service's relay forwarded, both directions. */
    private static double relayedPackets() throws Exception {
        return SharedStack.metric("media", "parley_turn_relayed_packets_total");
    }
}
