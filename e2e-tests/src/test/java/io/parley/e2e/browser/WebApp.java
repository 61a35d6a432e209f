package io.parley.e2e.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Page;
import io.parley.e2e.SharedStack;

/** What browser tests do in the web app's main page: wait for presence, place a call, answer the popup. */
final class WebApp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WebApp() {
    }

    static void awaitPresence(Page page, String username, String status) {
        assertThat(page.locator("[data-testid=user-" + username + "] [data-testid=presence]"))
                .hasText(status, new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
                        .setTimeout(30_000));
    }

    /** Clicks the call button ({@code call-audio} or {@code call-video}) of {@code username}; the window it opens. */
    static Page call(Page app, String username, String button) {
        return app.waitForPopup(() ->
                app.locator("[data-testid=user-" + username + "] [data-testid=" + button + "]").click());
    }

    /** Answers from the incoming-call popup of {@code app}; the call window it opens. */
    static Page answer(Page app) {
        return app.waitForPopup(() -> app.locator("[data-testid=incoming-call] [data-testid=answer]").click());
    }

    /** The calls of the page's user that have not ended (REST, with the page's session). */
    static JsonNode activeCalls(Page page) throws Exception {
        APIResponse response = page.request().get(SharedStack.gateway() + "/api/signaling/calls/active");
        assertEquals(200, response.status(), response.text());
        JsonNode body = JSON.readTree(response.text());
        return body.isArray() ? body : body.path("calls");
    }
}
