package io.parley.e2e.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Page;
import io.parley.e2e.SharedStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Call control in real Chromium browsers through the whole stack, with WebRTC stats as the judge: hold and resume
 * really stop and restart the media, DTMF reaches the other side (signaled and as telephone-events), a device switch
 * mid-call reaches the other side without a new call, and an administrator ends a call.
 */
@ExtendWith(SharedStack.class)
class CallControlBrowserIT {

    private static Chromium chromium;
    private static Person alice;
    private static Person bob;
    private static Person admin;
    private final List<Page> opened = new ArrayList<>();

    @BeforeAll
    static void browsers() {
        chromium = new Chromium();
        alice = new Person(chromium.launch(), "alice", SharedStack.gateway());
        bob = new Person(chromium.launch(), "bob", SharedStack.gateway());
        admin = new Person(chromium.launch(), "admin", SharedStack.gateway());
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
                page.close(new Page.CloseOptions().setRunBeforeUnload(true));
            }
        }
        opened.clear();
    }

    private record Established(CallWindow alice, CallWindow bob) {
    }

    /** Alice calls Bob with video from the web app; both windows are connected and receive video. */
    private Established established() {
        Page aliceApp = open(alice.openApp());
        Page bobApp = open(bob.openApp());
        WebApp.awaitPresence(aliceApp, "bob", "available");
        CallWindow aliceCall = new CallWindow(open(WebApp.call(aliceApp, "bob", "call-video")));
        CallWindow bobCall = new CallWindow(open(WebApp.answer(bobApp)));
        aliceCall.awaitState("ESTABLISHED");
        bobCall.awaitState("ESTABLISHED");
        aliceCall.awaitRemoteVideoFlowing();
        bobCall.awaitRemoteVideoFlowing();
        return new Established(aliceCall, bobCall);
    }

    private Page open(Page page) {
        opened.add(page);
        return page;
    }

    @Test
    void holdStopsTheMediaBothWaysAndResumeBringsItBack() {
        Established call = established();
        call.alice().button("hold").click();
        call.alice().awaitState("HELD");
        call.bob().awaitState("HELD");
        assertThat(call.alice().status()).hasText("On hold");
        assertThat(call.bob().status()).hasText("Alice put you on hold");
        assertThat(call.bob().button("hold")).isDisabled();
        assertThat(call.alice().button("hold")).hasText("Resume");
        // Not muted tracks: nothing arrives on either side.
        call.bob().awaitInboundMedia(false);
        call.alice().awaitInboundMedia(false);
        assertEquals(List.of("inactive"), call.alice().page().evaluate("() => [...new Set(window.parleyCall"
                + ".peerConnection.getTransceivers().map(t => t.currentDirection))]"));

        call.alice().button("hold").click();
        call.alice().awaitState("ESTABLISHED");
        call.bob().awaitState("ESTABLISHED");
        call.bob().awaitInboundMedia(true);
        call.alice().awaitInboundMedia(true);
        assertThat(call.bob().status()).hasText("Connected");
        assertThat(call.alice().button("hold")).hasText("Hold");
        call.bob().button("hangup").click();
        call.alice().awaitState("ENDED");
    }

    @Test
    void digitsFromTheKeypadReachTheOtherPartyAndAreSentAsTelephoneEvents() {
        Established call = established();
        Page page = call.alice().page();
        page.evaluate("() => { window.parleyTones = []; const sender = window.parleyCall.peerConnection.getSenders()"
                + ".find(s => s.track && s.track.kind === 'audio');"
                + " sender.dtmf.addEventListener('tonechange', e => { if (e.tone) window.parleyTones.push(e.tone); }); }");
        call.alice().button("dialpad-toggle").click();
        call.alice().button("dtmf-1").click();
        assertThat(call.bob().message()).hasText("Alice pressed 1");
        call.alice().button("dtmf-hash").click();
        assertThat(call.bob().message()).hasText("Alice pressed #");
        assertThat(call.alice().button("dialpad-sent")).hasText("1#");
        // RTCDTMFSender played both tones into the audio (RFC 4733 telephone-events).
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of("1", "#").equals(page.evaluate("() => window.parleyTones")));
    }

    @Test
    void aDeviceSwitchMidCallReachesTheOtherSideWithoutANewCall() {
        Established call = established();
        Page page = call.alice().page();
        String offerBefore = (String) page.evaluate("() => window.parleyCall.peerConnection.localDescription.sdp");
        // A square canvas stands in for another camera (the fake camera is 16:9 or 4:3). libwebrtc may scale the
        // video down under CPU load, but keeps its shape: a square arriving is the new track.
        page.evaluate("async () => { const canvas = document.createElement('canvas'); canvas.width = 240; canvas.height = 240;"
                + " const g = canvas.getContext('2d'); let n = 0;"
                + " window.parleyCanvas = setInterval(() => { g.fillStyle = `hsl(${n++ % 360} 80% 50%)`; g.fillRect(0, 0, 240, 240); }, 40);"
                + " await window.parleyCall.call.updateMedia({ stream: canvas.captureStream(25) }); }");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Map<String, Object> size = call.bob().remoteVideoSize();
            int width = ((Number) size.get("width")).intValue();
            return width > 0 && width == ((Number) size.get("height")).intValue();
        });
        assertEquals(offerBefore, page.evaluate("() => window.parleyCall.peerConnection.localDescription.sdp"),
                "replaceTrack: no renegotiation");
        call.bob().awaitRemoteVideoFlowing();
    }

    @Test
    void anAdministratorEndsACallAndBothWindowsSaySo() throws Exception {
        Established call = established();
        String callId = (String) call.alice().page().evaluate("() => window.parleyCall.call.id");
        Page adminApp = open(admin.openApp());
        APIResponse live = adminApp.request().get(SharedStack.gateway() + "/api/signaling/admin/calls?state=ESTABLISHED");
        assertEquals(200, live.status(), live.text());
        assertTrue(live.text().contains(callId), live.text());
        APIResponse refused = call.bob().page().request().delete(SharedStack.gateway() + "/api/signaling/admin/calls/" + callId);
        assertEquals(403, refused.status(), "bob is no administrator");
        APIResponse ended = adminApp.request().delete(SharedStack.gateway() + "/api/signaling/admin/calls/" + callId);
        assertEquals(200, ended.status(), ended.text());
        for (CallWindow window : List.of(call.alice(), call.bob())) {
            window.awaitState("ENDED");
            assertThat(window.message()).hasText("An administrator ended the call.");
        }
    }
}
