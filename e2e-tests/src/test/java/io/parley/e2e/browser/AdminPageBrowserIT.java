package io.parley.e2e.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.parley.e2e.SharedStack;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The administration page in a real Chromium, signed in through Keycloak: an administrator switches a
 * provider and edits the WebRTC settings, with inline errors for bad input; anyone else is turned away.
 * Every change is checked through the REST API the services read, not only on the page.
 */
@ExtendWith(SharedStack.class)
class AdminPageBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Chromium chromium;
    private static Person admin;
    private static Person alice;

    @BeforeAll
    static void browsers() {
        chromium = new Chromium();
        admin = new Person(chromium.launch(), "admin", SharedStack.gateway());
        alice = new Person(chromium.launch(), "alice", SharedStack.gateway());
    }

    @AfterAll
    static void close() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void aUserWhoIsNotAnAdministratorIsTurnedAway() {
        Page page = alice.open("/admin/");
        assertThat(page.locator("#banner")).containsText("Administrators only");
        assertThat(page.locator("#admin")).isHidden();
        assertEquals(403, page.request().get(SharedStack.gateway() + "/api/admin/providers").status());
    }

    @Test
    void anAdministratorSwitchesAProviderOffAndOnAndUsersSeeIt() throws Exception {
        Page page = admin.open("/admin/");
        Locator toggle = page.getByLabel("Active: WebRTC");
        Locator status = page.locator("#providers tr").filter(new Locator.FilterOptions().setHasText("WebRTC"))
                .locator("td").nth(2);
        assertThat(toggle).isChecked();
        try {
            toggle.uncheck();
            assertThat(status).hasText("inactive");
            assertFalse(provider(page, "webrtc").get("enabled").asBoolean());
            Page alicePage = alice.open("/admin/");
            JsonNode config = json(alicePage.request().get(SharedStack.gateway() + "/api/admin/client-config"));
            assertFalse(config.get("providers").toString().contains("\"webrtc\""), config.toString());
            assertThat(page.locator("#audit")).containsText("admin");
        } finally {
            toggle.check();
            assertThat(status).hasText("active");
        }
        assertTrue(provider(page, "webrtc").get("enabled").asBoolean());
    }

    @Test
    void anAdministratorAddsAnIceServerWithInlineErrorsForBadInput() throws Exception {
        Page page = admin.open("/admin/");
        assertThat(page.locator("#admin")).isVisible();
        int before = json(page.request().get(SharedStack.gateway() + "/api/admin/webrtc-settings")).get("version").asInt();
        int servers = page.locator("#servers .server").count();

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("+ Add ICE server")).click();
        Locator added = page.locator("#servers .server").nth(servers);
        added.locator("[data-key=urls]").fill("http://turn.example.org:3478");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(added.locator("[data-error-key=urls]")).containsText("http://turn.example.org:3478");
        assertThat(added.locator("[data-key=urls]")).hasClass(Pattern.compile("invalid"));
        assertThat(page.locator("#banner")).containsText("Not saved");
        assertEquals(before, json(page.request().get(SharedStack.gateway() + "/api/admin/webrtc-settings"))
                .get("version").asInt(), "a rejected form must store nothing");

        added.locator("[data-key=urls]").fill("turn:turn.example.org:3478");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator("#banner")).containsText("Not saved");
        assertThat(added.locator("[data-error-key=username]").or(added.locator("[data-error-key=credential]")).first())
                .not().isEmpty();

        added.locator("[data-key=username]").fill("relay-user");
        added.locator("[data-key=credential]").fill("relay-secret");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator("#banner")).containsText("Saved");
        try {
            JsonNode stored = json(page.request().get(SharedStack.gateway() + "/api/admin/webrtc-settings"));
            assertEquals(before + 1, stored.get("version").asInt());
            assertTrue(stored.get("iceServers").toString().contains("turn:turn.example.org:3478"), stored.toString());
            assertFalse(stored.toString().contains("relay-secret"), "the stored credential is never shown again");

            Page alicePage = alice.open("/admin/");
            JsonNode config = json(alicePage.request().get(SharedStack.gateway() + "/api/admin/client-config"));
            assertTrue(config.at("/rtcConfiguration/iceServers").toString().contains("turn:turn.example.org:3478"),
                    config.toString());

            Page reloaded = admin.open("/admin/");
            Locator kept = reloaded.locator("#servers .server").nth(servers);
            assertThat(kept.locator("[data-key=urls]")).hasValue("turn:turn.example.org:3478");
            assertThat(kept.locator("[data-key=credential]")).hasValue("********");
        } finally {
            Page cleanup = admin.open("/admin/");
            cleanup.locator("#servers .server").nth(servers).locator("[data-remove]").click();
            cleanup.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
            assertThat(cleanup.locator("#banner")).containsText("Saved");
        }
        assertEquals(servers, json(page.request().get(SharedStack.gateway() + "/api/admin/webrtc-settings"))
                .get("iceServers").size());
    }

    private static JsonNode provider(Page page, String id) throws Exception {
        for (JsonNode provider : json(page.request().get(SharedStack.gateway() + "/api/admin/providers"))) {
            if (provider.get("id").asText().equals(id)) {
                return provider;
            }
        }
        throw new AssertionError("no provider " + id);
    }

    private static JsonNode json(APIResponse response) throws Exception {
        assertEquals(200, response.status(), response.text());
        return JSON.readTree(response.text());
    }
}
