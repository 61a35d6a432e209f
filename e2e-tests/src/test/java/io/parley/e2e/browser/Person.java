package io.parley.e2e.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.ConsoleMessage;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One person at their own browser: signs in through the real Keycloak login page and opens pages of the
 * web app. Console errors and page crashes of every page are kept, so a test can show them when it fails.
 */
public final class Person {

    private final String username;
    private final String gateway;
    private final BrowserContext context;
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    public Person(Browser browser, String username, String gateway) {
        this.username = username;
        this.gateway = gateway;
        this.context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1024, 720));
        context.setDefaultTimeout(30_000);
        context.onPage(this::watch);
    }

    public String username() {
        return username;
    }

    public BrowserContext context() {
        return context;
    }

    /** Opens the web app; the first time, signs in on the Keycloak page it is sent to. */
    public Page open(String path) {
        Page page = context.newPage();
        page.navigate(gateway + path);
        if (page.url().contains("/realms/")) {
            page.locator("#username").fill(username);
            page.locator("#password").fill(username);
            page.locator("#kc-login").click();
            page.waitForURL(url -> url.startsWith(gateway));
        }
        return page;
    }

    /** Opens the directory page and waits until it lists the users. */
    public Page openApp() {
        Page page = open("/");
        assertThat(page.locator("[data-testid=my-status]")).isVisible();
        return page;
    }

    /** Console errors, uncaught exceptions and crashes seen so far, for failure messages. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Saves a screenshot of {@code page} under target/e2e-artifacts. */
    public static Path screenshot(Page page, String name) {
        try {
            Path dir = Path.of(System.getProperty("parley.e2e.artifacts", "target/e2e-artifacts"));
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            page.screenshot(new Page.ScreenshotOptions().setPath(file));
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public void close() {
        context.close();
    }

    private void watch(Page page) {
        page.onConsoleMessage((ConsoleMessage message) -> {
            if ("error".equals(message.type())) {
                problems.add(username + " console: " + message.text() + " (" + page.url() + ")");
            }
        });
        page.onPageError(error -> problems.add(username + " page error: " + error + " (" + page.url() + ")"));
        page.onCrash(p -> problems.add(username + " page crashed: " + p.url()));
    }
}
