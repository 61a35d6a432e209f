package io.parley.e2e.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The call window of the web app ({@code /call.html}) as a test sees it: its controls and WebRTC stats. */
final class CallWindow {

    private static final String STATS = """
            async () => {
              const pc = window.parleyCall && window.parleyCall.peerConnection;
              const result = { framesDecoded: 0, audioEnergy: 0, audioPackets: 0, connection: pc ? pc.connectionState : null };
              if (!pc) return result;
              (await pc.getStats()).forEach(s => {
                if (s.type === 'inbound-rtp' && s.kind === 'video') result.framesDecoded = s.framesDecoded || 0;
                if (s.type === 'inbound-rtp' && s.kind === 'audio') {
                  result.audioEnergy = s.totalAudioEnergy || 0;
                  result.audioPackets = s.packetsReceived || 0;
                }
              });
              return result;
            }""";

    private final Page page;

    CallWindow(Page page) {
        this.page = page;
    }

    Page page() {
        return page;
    }

    Locator status() {
        return page.locator("[data-testid=call-status]");
    }

    Locator message() {
        return page.locator("[data-testid=call-message]");
    }

    Locator button(String testId) {
        return page.locator("[data-testid=" + testId + "]");
    }

    /** Waits until {@code document.body.dataset.callState} is {@code state}. */
    void awaitState(String state) {
        page.waitForFunction("s => document.body.dataset.callState === s", state,
                new Page.WaitForFunctionOptions().setTimeout(30_000));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> stats() {
        return (Map<String, Object>) page.evaluate(STATS);
    }

    double number(String key) {
        return ((Number) stats().get(key)).doubleValue();
    }

    /** Waits until the remote video decodes frames and keeps decoding them (the count grows). */
    void awaitRemoteVideoFlowing() {
        double[] last = {-1};
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> {
            double now = number("framesDecoded");
            boolean growing = last[0] > 0 && now > last[0];
            last[0] = now;
            return growing;
        });
        assertThat(page.locator("video#remote-video")).isVisible();
        assertTrue((Boolean) page.evaluate("() => { const v = document.querySelector('video#remote-video');"
                + " return v.videoWidth > 0 && !v.paused; }"), "the remote video element plays");
    }

    /** Waits until the received audio energy grows (sound arrives), or stays flat (silence), between two reads. */
    void awaitAudioEnergy(boolean growing) {
        double[] last = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1500)).until(() -> {
            double now = number("audioEnergy");
            boolean grew = now > last[0] + 1e-9;
            boolean answer = last[0] >= 0 && (growing == grew);
            last[0] = now;
            return answer;
        });
    }

    /**
     * Waits until the media received stops (video frames decoded and audio packets received stay the same between
     * two reads 1.5 s apart), or flows (both grow), as hold and resume must make them.
     */
    void awaitInboundMedia(boolean flowing) {
        double[] last = {-1, -1};
        await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(1500)).until(() -> {
            Map<String, Object> now = stats();
            double frames = ((Number) now.get("framesDecoded")).doubleValue();
            double packets = ((Number) now.get("audioPackets")).doubleValue();
            boolean grew = frames > last[0] && packets > last[1];
            boolean still = frames == last[0] && packets == last[1];
            boolean answer = last[0] >= 0 && (flowing ? grew : still);
            last[0] = frames;
            last[1] = packets;
            return answer;
        });
    }

    /** The size of the remote video as the page shows it: {width, height}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> remoteVideoSize() {
        return (Map<String, Object>) page.evaluate("() => { const v = document.querySelector('video#remote-video');"
                + " return { width: v.videoWidth, height: v.videoHeight }; }");
    }

    /** Names of the sounds this page has played, in order. */
    @SuppressWarnings("unchecked")
    List<String> soundsPlayed() {
        return (List<String>) page.evaluate("() => [...(window.parleySounds?.played ?? [])]");
    }

    boolean soundPlaying(String name) {
        return (Boolean) page.evaluate("n => !!window.parleySounds && window.parleySounds.playing.has(n)", name);
    }
}
