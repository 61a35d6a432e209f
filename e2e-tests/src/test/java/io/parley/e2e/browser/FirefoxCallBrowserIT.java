package io.parley.e2e.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Page;
import io.parley.e2e.SharedStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A call between Chromium and Firefox ESR (its own WebRTC stack, driven over WebDriver BiDi by
 * {@code src/test/firefox/person.mjs}): each side holds and resumes, and the stats of the held side say the media
 * really stopped and came back.
 */
@ExtendWith(SharedStack.class)
class FirefoxCallBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
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

    /** Bob in Firefox: his call window's reports, and the commands he is given. */
    private static final class FirefoxPerson implements AutoCloseable {

        private final Process process;
        private final Writer commands;
        private final List<JsonNode> reports = Collections.synchronizedList(new ArrayList<>());
        private final StringBuilder errors = new StringBuilder();

        FirefoxPerson(String username) throws IOException {
            Path dir = Path.of(System.getProperty("parley.project.dir", ".."), "e2e-tests", "src", "test", "firefox");
            process = new ProcessBuilder("node", "person.mjs", SharedStack.gateway(), username).directory(dir.toFile())
                    .start();
            commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            for (boolean stdout : new boolean[] {true, false}) {
                Thread reader = new Thread(() -> read(stdout ? process.getInputStream() : process.getErrorStream(), stdout),
                        "firefox-" + (stdout ? "reports" : "errors"));
                reader.setDaemon(true);
                reader.start();
            }
        }

        private void read(java.io.InputStream in, boolean reports) {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (reports) {
                        this.reports.add(JSON.readTree(line));
                    } else {
                        synchronized (errors) {
                            errors.append(line).append('\n');
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        void command(String line) throws IOException {
            commands.write(line + "\n");
            commands.flush();
        }

        /** Waits for a report matching {@code condition}; returns it. */
        JsonNode await(String what, Predicate<JsonNode> condition) {
            JsonNode[] found = {null};
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).alias(what + "; firefox: "
                    + last() + " " + errors).until(() -> {
                        synchronized (reports) {
                            found[0] = reports.stream().filter(condition).reduce((a, b) -> b).orElse(null);
                        }
                        return found[0] != null;
                    });
            return found[0];
        }

        /** Waits until the received media flows (frames and packets grow across reports 1.5 s apart) or stops. */
        void awaitInboundMedia(boolean flowing) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .alias("firefox media " + (flowing ? "flowing" : "stopped") + ": " + last()).until(() -> {
                        synchronized (reports) {
                            int n = reports.size();
                            if (n < 4) {
                                return false;
                            }
                            JsonNode before = reports.get(n - 4);
                            JsonNode now = reports.get(n - 1);
                            long frames = now.path("frames").asLong() - before.path("frames").asLong();
                            long packets = now.path("packets").asLong() - before.path("packets").asLong();
                            return flowing ? frames > 0 && packets > 0 : frames == 0 && packets == 0;
                        }
                    });
        }

        JsonNode last() {
            synchronized (reports) {
                return reports.isEmpty() ? null : reports.get(reports.size() - 1);
            }
        }

        @Override
        public void close() {
            try {
                command("quit");
            } catch (IOException e) {
                // gone already
            }
            process.destroy();
        }
    }

    @Test
    void chromiumAndFirefoxHoldAndResumeEachOtherWithTheMediaReallyStopping() throws Exception {
        try (FirefoxPerson bob = new FirefoxPerson("bob")) {
            bob.await("bob signed in", r -> r.path("ready").asBoolean());
            Page aliceApp = alice.openApp();
            WebApp.awaitPresence(aliceApp, "bob", "available");
            CallWindow aliceCall = new CallWindow(WebApp.call(aliceApp, "bob", "call-video"));
            aliceCall.awaitState("ESTABLISHED");
            bob.await("bob's window established", r -> "ESTABLISHED".equals(r.path("state").asText()));
            aliceCall.awaitRemoteVideoFlowing();
            bob.awaitInboundMedia(true);

            // Chromium holds, Firefox is held.
            aliceCall.button("hold").click();
            aliceCall.awaitState("HELD");
            bob.await("held at bob", r -> "HELD".equals(r.path("state").asText())
                    && r.path("status").asText().equals("Alice put you on hold"));
            bob.awaitInboundMedia(false);
            aliceCall.awaitInboundMedia(false);
            aliceCall.button("hold").click();
            aliceCall.awaitState("ESTABLISHED");
            bob.await("resumed at bob", r -> "ESTABLISHED".equals(r.path("state").asText()));
            bob.awaitInboundMedia(true);
            aliceCall.awaitInboundMedia(true);

            // Firefox holds (its offer goes inactive, Chromium answers), then resumes.
            bob.command("click hold");
            aliceCall.awaitState("HELD");
            assertThat(aliceCall.status()).hasText("Bob put you on hold");
            aliceCall.awaitInboundMedia(false);
            bob.await("held by bob", r -> "HELD".equals(r.path("state").asText()) && "On hold".equals(r.path("status").asText()));
            bob.command("click hold");
            aliceCall.awaitState("ESTABLISHED");
            aliceCall.awaitInboundMedia(true);
            bob.awaitInboundMedia(true);

            aliceCall.button("hangup").click();
            JsonNode ended = bob.await("ended at bob", r -> "ENDED".equals(r.path("state").asText()));
            assertEquals("Alice ended the call.", ended.path("message").asText());
            aliceCall.page().close();
            aliceApp.close();
        }
    }
}
