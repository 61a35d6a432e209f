package io.parley.e2e.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.RequestOptions;
import io.parley.e2e.SharedStack;

/** The administrator's WebRTC settings (`/api/admin/webrtc-settings`), read and saved from a signed-in admin page. */
final class WebRtcSettings {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WebRtcSettings() {
    }

    static JsonNode read(Page page) throws Exception {
        APIResponse response = page.request().get(SharedStack.gateway() + "/api/admin/webrtc-settings");
        assertEquals(200, response.status(), response.text());
        return JSON.readTree(response.text());
    }

    /** Saves {@code settings} (with the version read); the saved settings. */
    static JsonNode save(Page page, JsonNode settings) throws Exception {
        APIResponse response = page.request().put(SharedStack.gateway() + "/api/admin/webrtc-settings",
                RequestOptions.create().setHeader("Content-Type", "application/json").setData(settings.toString()));
        assertEquals(200, response.status(), response.text());
        return JSON.readTree(response.text());
    }
}
