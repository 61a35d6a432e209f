package io.parley.e2e.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.parley.e2e.SharedStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real calls between real Chromium browsers (fake camera and microphone) through the whole stack, signed
 * in through Keycloak, as end users make them in the web app: the directory, the incoming-call popup on
 * every page, the call window and its controls, and every way a call ends.
 */
@ExtendWith(SharedStack.class)
class CallBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Chromium chromium;
    private static Person alice;
    private static Person bob;
    private static Person carol;
    private static Person ada;
    private final List<Page> opened = new ArrayList<>();

    @BeforeAll
    static void browsers() {
        chromium = new Chromium();
        alice = new Person(chromium.launch(), "alice", SharedStack.gateway());
        bob = new Person(chromium.launch(), "bob", SharedStack.gateway());
        carol = new Person(chromium.launch(false), "carol", SharedStack.gateway());
        ada = new Person(chromium.launch(), "admin", SharedStack.gateway());
    }

    @AfterAll
    static void close() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @AfterEach
    void closePages() {
        for (Page page : opened) {
            if (!page.isClosed()) {
                page.close();
            }
        }
        opened.clear();
    }

    @Test
    void aliceCallsBobWithVideoAndTheyControlTheCallUntilBobHangsUp() throws Exception {
        Page aliceApp = app(alice);
        Page bobApp = app(bob);
        awaitPresence(aliceApp, "bob", "available");

        CallWindow aliceCall = call(aliceApp, "bob", "call-video");
        assertThat(aliceCall.page().locator("video#local-video")).isVisible();
        aliceCall.awaitState("RINGING");
        assertThat(aliceCall.status()).containsText("Bob");
        await().atMost(Duration.ofSeconds(10)).until(() -> aliceCall.soundPlaying("ringback"));

        Locator popup = bobApp.locator("[data-testid=incoming-call]");
        assertThat(popup).isVisible();
        assertThat(popup.locator("[data-testid=incoming-text]")).hasText("Alice Anderson is calling you");
        assertThat(popup.locator("img[data-testid=caller-avatar]")).isVisible();
        await().atMost(Duration.ofSeconds(10)).until(() -> new CallWindow(bobApp).soundPlaying("ringtone"));
        Person.screenshot(bobApp, "incoming-call");

        CallWindow bobCall = new CallWindow(bobApp.waitForPopup(() -> popup.locator("[data-testid=answer]").click()));
        opened.add(bobCall.page());
        assertThat(popup).isHidden();
        aliceCall.awaitState("ESTABLISHED");
        bobCall.awaitState("ESTABLISHED");
        aliceCall.awaitRemoteVideoFlowing();
        bobCall.awaitRemoteVideoFlowing();
        assertFalse(aliceCall.soundPlaying("ringback"), "the ringback stops once bob answers");
        assertFalse(new CallWindow(bobApp).soundPlaying("ringtone"), "the ringtone stops once bob answers");
        assertThat(aliceCall.status()).containsText("Connected");
        Person.screenshot(aliceCall.page(), "call-window");

        bobCall.awaitAudioEnergy(true);
        aliceCall.button("mute").click();
        assertThat(aliceCall.button("mute")).hasAttribute("aria-pressed", "true");
        bobCall.awaitAudioEnergy(false);
        aliceCall.button("mute").click();
        assertThat(aliceCall.button("mute")).hasAttribute("aria-pressed", "false");
        bobCall.awaitAudioEnergy(true);

        aliceCall.button("camera").click();
        assertThat(aliceCall.button("camera")).hasAttribute("aria-pressed", "true");
        assertThat(bobCall.page().locator("[data-testid=remote-video-state]")).isVisible();
        assertThat(bobCall.page().locator("[data-testid=remote-video-state]"))
                .containsText(Pattern.compile("camera", Pattern.CASE_INSENSITIVE));

        bobCall.button("hangup").click();
        aliceCall.awaitState("ENDED");
        bobCall.awaitState("ENDED");
        assertThat(aliceCall.status()).containsText(Pattern.compile("ended", Pattern.CASE_INSENSITIVE));
        assertThat(bobCall.status()).containsText(Pattern.compile("ended", Pattern.CASE_INSENSITIVE));
        assertEquals("HANGUP", lastCall(alice, aliceApp).get("endReason").asText());

        // Microphone and camera choices are remembered for the next call: alice left her camera off.
        CallWindow next = call(aliceApp, "bob", "call-video");
        next.awaitState("RINGING");
        assertThat(next.button("camera")).hasAttribute("aria-pressed", "true");
        next.button("camera").click();
        assertThat(next.button("camera")).hasAttribute("aria-pressed", "false");
        next.button("hangup").click();
        next.awaitState("ENDED");
        assertThat(popup).isHidden();
        assertTrue(alice.problems().isEmpty() && bob.problems().isEmpty(),
                "console errors: " + alice.problems() + bob.problems());
    }

    @Test
    void whenBobDeclinesAliceHearsTheHangUpSoundAndSeesTheCallWasStopped() throws Exception {
        Page aliceApp = app(alice);
        Page bobApp = app(bob);
        awaitPresence(aliceApp, "bob", "available");
        CallWindow aliceCall = call(aliceApp, "bob", "call-audio");
        Locator popup = bobApp.locator("[data-testid=incoming-call]");
        assertThat(popup).isVisible();
        popup.locator("[data-testid=decline]").click();
        assertThat(popup).isHidden();

        aliceCall.awaitState("ENDED");
        assertThat(aliceCall.message()).containsText(Pattern.compile("declined", Pattern.CASE_INSENSITIVE));
        await().atMost(Duration.ofSeconds(10)).until(() -> aliceCall.soundsPlayed().contains("hangup"));
        assertEquals("DECLINED", lastCall(alice, aliceApp).get("endReason").asText());
    }

    @Test
    void closingTheIncomingCallNotificationDeclines() throws Exception {
        Page aliceApp = app(alice);
        Page bobApp = app(bob);
        awaitPresence(aliceApp, "bob", "available");
        CallWindow aliceCall = call(aliceApp, "bob", "call-audio");
        Locator popup = bobApp.locator("[data-testid=incoming-call]");
        assertThat(popup).isVisible();
        popup.locator("[data-testid=close]").click();
        aliceCall.awaitState("ENDED");
        assertThat(aliceCall.message()).containsText(Pattern.compile("declined", Pattern.CASE_INSENSITIVE));
    }

    @Test
    void bobInDoNotDisturbIsNotRungAndFindsTheMissedCall() throws Exception {
        Page bobApp = app(bob);
        bobApp.locator("[data-testid=my-status]").selectOption("DND");
        try {
            Page aliceApp = app(alice);
            awaitPresence(aliceApp, "bob", "dnd");
            int missedBefore = bobApp.locator("[data-testid=missed-call]").count();
            CallWindow aliceCall = call(aliceApp, "bob", "call-audio");
            aliceCall.awaitState("ENDED");
            assertThat(aliceCall.message()).containsText(Pattern.compile("unavailable", Pattern.CASE_INSENSITIVE));

            // The missed call arrives after the call ended: by then an incoming call would have been shown.
            Locator missed = bobApp.locator("[data-testid=missed-call]");
            await().atMost(Duration.ofSeconds(20)).until(() -> missed.count() > missedBefore);
            assertThat(missed.first()).containsText("Alice Anderson");
            assertThat(bobApp.locator("[data-testid=incoming-call]")).isHidden();
            assertFalse(new CallWindow(bobApp).soundsPlayed().contains("ringtone"), "no ringtone in dnd");
        } finally {
            bobApp.locator("[data-testid=my-status]").selectOption("AVAILABLE");
        }
    }

    @Test
    void answeringOnOnePageClosesThePopupOnBobsOtherPage() throws Exception {
        Page aliceApp = app(alice);
        Page bobFirst = app(bob);
        Page bobSecond = app(bob);
        awaitPresence(aliceApp, "bob", "available");
        CallWindow aliceCall = call(aliceApp, "bob", "call-audio");
        assertThat(bobFirst.locator("[data-testid=incoming-call]")).isVisible();
        assertThat(bobSecond.locator("[data-testid=incoming-call]")).isVisible();

        CallWindow bobCall = answer(bobFirst);
        assertThat(bobSecond.locator("[data-testid=incoming-call]")).isHidden();
        aliceCall.awaitState("ESTABLISHED");
        aliceCall.button("hangup").click();
        bobCall.awaitState("ENDED");
    }

    @Test
    void closingTheCallWindowEndsTheCall() throws Exception {
        Page aliceApp = app(alice);
        Page bobApp = app(bob);
        awaitPresence(aliceApp, "bob", "available");
        CallWindow aliceCall = call(aliceApp, "bob", "call-audio");
        CallWindow bobCall = answer(bobApp);
        aliceCall.awaitState("ESTABLISHED");
        bobCall.awaitState("ESTABLISHED");

        aliceCall.page().close(new Page.CloseOptions().setRunBeforeUnload(true));
        bobCall.awaitState("ENDED");
        assertThat(bobCall.status()).containsText(Pattern.compile("ended", Pattern.CASE_INSENSITIVE));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertEquals(0, activeCalls(bob, bobApp).size(), "no call of bob's is left open"));
    }

    @Test
    void callingSomeoneAlreadyInACallSaysTheyAreBusy() throws Exception {
        Page aliceApp = app(alice);
        Page bobApp = app(bob);
        Page adaApp = app(ada);
        awaitPresence(aliceApp, "bob", "available");
        CallWindow aliceCall = call(aliceApp, "bob", "call-audio");
        CallWindow bobCall = answer(bobApp);
        bobCall.awaitState("ESTABLISHED");

        CallWindow adaCall = call(adaApp, "bob", "call-audio");
        adaCall.awaitState("ENDED");
        assertThat(adaCall.message()).containsText(Pattern.compile("busy", Pattern.CASE_INSENSITIVE));
        assertEquals("ESTABLISHED", bobCall.page().evaluate("() => document.body.dataset.callState"),
                "bob's call goes on");
        aliceCall.button("hangup").click();
        bobCall.awaitState("ENDED");
    }

    @Test
    void aBlockedCameraStopsTheCallWithAClearMessage() throws Exception {
        Page carolApp = app(carol);
        Page bobApp = app(bob);
        awaitPresence(carolApp, "bob", "available");
        CallWindow carolCall = call(carolApp, "bob", "call-video");
        carolCall.awaitState("ENDED");
        assertThat(carolCall.message()).containsText(Pattern.compile("blocked", Pattern.CASE_INSENSITIVE));
        assertThat(bobApp.locator("[data-testid=incoming-call]")).isHidden();
        assertEquals(0, activeCalls(carol, carolApp).size(), "the call does not stay open on the server");
    }

    private Page app(Person person) {
        Page page = person.openApp();
        opened.add(page);
        return page;
    }

    /** Answers from the incoming-call popup of {@code app}; returns the call window it opens. */
    private CallWindow answer(Page app) {
        Page window = WebApp.answer(app);
        opened.add(window);
        return new CallWindow(window);
    }

    private static void awaitPresence(Page page, String username, String status) {
        WebApp.awaitPresence(page, username, status);
    }

    private CallWindow call(Page app, String username, String button) {
        Page window = WebApp.call(app, username, button);
        opened.add(window);
        return new CallWindow(window);
    }

    private static JsonNode lastCall(Person person, Page page) throws Exception {
        APIResponse response = page.request().get(SharedStack.gateway() + "/api/signaling/calls?page=0&size=1");
        assertEquals(200, response.status(), response.text());
        return JSON.readTree(response.text()).get("calls").get(0);
    }

    private static JsonNode activeCalls(Person person, Page page) throws Exception {
        return WebApp.activeCalls(page);
    }
}
