package io.parley.e2e.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import io.parley.e2e.SharedStack;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "Test your setup" from the web app in a real Chromium: the browser calls media-service's echo peer,
 * sees its own camera come back, and reads what the server received; Stop ends the server's session.
 */
@ExtendWith(SharedStack.class)
class EchoBrowserIT {

    private static Chromium chromium;
    private static Person alice;

    @BeforeAll
    static void browsers() {
        chromium = new Chromium();
        alice = new Person(chromium.launch(), "alice", SharedStack.gateway());
    }

    @AfterAll
    static void close() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void aliceSeesHerOwnVideoComeBackAndWhatTheServerReceived() throws Exception {
        Page app = alice.openApp();
        app.locator("[data-testid=echo-test]").click();
        Page echo = app;
        echo.waitForURL(Pattern.compile(".*/echo\\.html.*"));

        // Frames decoded from the server's video keep growing: the echo is live, not one frame.
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long frames = ((Number) echo.evaluate("() => { const v = document.getElementById('echo-remote');"
                    + " return v && v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : 0; }"))
                    .longValue();
            boolean growing = last[0] > 0 && frames > last[0];
            last[0] = frames;
            return growing;
        });
        String localSize = (String) echo.evaluate("() => { const v = document.getElementById('echo-local');"
                + " return v.videoWidth + '×' + v.videoHeight; }");
        assertThat(echo.locator("[data-testid=echo-report] [data-field=state]")).hasText("connected");
        // The server reports the size it receives: the camera's, or a scaled-down one of the same shape
        // while the browser's bandwidth estimate ramps up or its encoder is short of CPU.
        String resolution = echo.locator("[data-testid=echo-report] [data-field='video.resolution']").innerText();
        int[] sent = size(localSize);
        int[] got = size(resolution);
        assertTrue(got[0] > 0 && got[0] <= sent[0] && Math.abs((double) got[0] / got[1] - (double) sent[0] / sent[1]) < 0.05,
                "received " + resolution + " for a camera of " + localSize);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String received = echo.locator("[data-testid=echo-report] [data-field='video.framesReceived']").innerText();
            assertTrue(received.matches("\\d+") && Long.parseLong(received) > 30, "frames the server received: " + received);
            assertTrue(echo.locator("[data-testid=echo-report] [data-field=roundTripTimeMs]").innerText().endsWith("ms"));
        });
        // The server sends a test tone back; the page measures the microphone itself (the fake one beeps).
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String level = echo.locator("[data-testid=mic-level]").innerText();
            return level.matches("[0-9.]+") && Double.parseDouble(level) > 0.01;
        });
        Person.screenshot(echo, "echo-test");

        assertEquals(1.0, activeEchoSessions());
        echo.locator("[data-testid=echo-stop]").click();
        assertThat(echo.locator("[data-testid=echo-message]")).hasText("Test stopped.");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertEquals(0.0, activeEchoSessions(), "Stop ends the server's session"));
        assertTrue(alice.problems().isEmpty(), "console errors: " + alice.problems());
    }

    private static double activeEchoSessions() throws Exception {
        return SharedStack.metric("media", "parley_echo_sessions_active");
    }

    private static int[] size(String text) {
        String[] parts = text.split("×");
        assertTrue(parts.length == 2 && parts[0].matches("\\d+") && parts[1].matches("\\d+"), "a size: " + text);
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }
}
