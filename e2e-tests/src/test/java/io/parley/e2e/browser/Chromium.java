package io.parley.e2e.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real Chromium browsers (Debian's {@code /usr/bin/chromium}), driven by Playwright for Java, with a fake
 * camera and microphone. Each {@link #launch} is a browser process of its own, as two people on two
 * machines would have. Close it to close every browser it launched.
 */
public final class Chromium implements AutoCloseable {

    /** The flags every browser gets: headless, nothing phoning home, real IP candidates for WebRTC. */
    private static final List<String> FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required",
            "--disable-features=WebRtcHideLocalIpsWithMdns");

    private final Playwright playwright;
    private final Path executable;
    private final List<Browser> browsers = new ArrayList<>();

    public Chromium() {
        executable = Path.of(System.getProperty("parley.chromium", "/usr/bin/chromium"));
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("Chromium is not installed at " + executable
                    + " (Debian: apt-get install -y chromium; elsewhere pass -Dparley.chromium=/path/to/chromium)");
        }
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    /** A browser whose camera and microphone the user allows (the permission prompt is accepted). */
    public Browser launch() {
        return launch(true);
    }

    /**
     * @param mediaAllowed false for a browser where the user blocked camera and microphone: every
     *     permission prompt is denied
     */
    public Browser launch(boolean mediaAllowed) {
        List<String> args = new ArrayList<>(FLAGS);
        args.add(mediaAllowed ? "--use-fake-ui-for-media-stream" : "--deny-permission-prompts");
        Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(executable).setHeadless(true).setArgs(args));
        browsers.add(browser);
        return browser;
    }

    @Override
    public void close() {
        for (Browser browser : browsers) {
            try {
                browser.close();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        playwright.close();
    }
}
