package io.parley.e2e.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import io.parley.e2e.SharedStack;
import io.parley.stack.Ports;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A call survives what users' calls meet in production (docs/protocol.md, "Sessions and resume"), in real Chromium
 * through the whole stack: the signaling instance is killed and comes back while the video keeps flowing peer to
 * peer, and the windows say "Reconnecting…" and then "Connected" again; the network the media uses drops for a few
 * seconds and the call restarts ICE and gets its video back, or stays down past the media recovery limit and the call
 * fails saying so; and media that cannot connect (a relay-only policy with an unreachable relay) is said so instead of
 * "Connected".
 */
@ExtendWith(SharedStack.class)
class CallSurvivesBrowserIT {

    /** parley.signaling.media-recovery-timeout's default, which the shared stack keeps. */
    private static final int MEDIA_RECOVERY_SECONDS = 15;

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
        // What the pages logged: the first thing to read when one of these tests fails.
        System.out.println("CallSurvivesBrowserIT console problems: alice " + alice.problems() + ", bob " + bob.problems());
        for (Page page : opened) {
            if (!page.isClosed()) {
                page.close();
            }
        }
        opened.clear();
    }

    /** alice calls bob with video from the app, bob answers from the popup: both call windows. */
    private CallWindow[] videoCall() {
        Page aliceApp = alice.openApp();
        Page bobApp = bob.openApp();
        opened.add(aliceApp);
        opened.add(bobApp);
        assertThat(aliceApp.locator("[data-testid=user-bob] [data-testid=presence]")).hasText("available",
                new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(30_000));
        Page aliceWindow = aliceApp.waitForPopup(() ->
                aliceApp.locator("[data-testid=user-bob] [data-testid=call-video]").click());
        opened.add(aliceWindow);
        Page bobWindow = bobApp.waitForPopup(() ->
                bobApp.locator("[data-testid=incoming-call] [data-testid=answer]").click());
        opened.add(bobWindow);
        return new CallWindow[] {new CallWindow(aliceWindow), new CallWindow(bobWindow)};
    }

    /** {@link #videoCall()} once both windows are ESTABLISHED, decode each other's video and say "Connected". */
    private CallWindow[] establishedVideoCall() {
        CallWindow[] windows = videoCall();
        for (CallWindow window : windows) {
            window.awaitState("ESTABLISHED");
        }
        for (CallWindow window : windows) {
            window.awaitRemoteVideoFlowing();
            assertThat(window.status()).containsText("Connected");
        }
        return windows;
    }

    @Test
    void aCallGoesOnWhileItsSignalingInstanceIsKilledAndComesBackAndTheVideoNeverStops() throws Exception {
        CallWindow[] windows = establishedVideoCall();
        CallWindow aliceCall = windows[0];
        CallWindow bobCall = windows[1];

        CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> SharedStack.stack().restart("signaling", true));
        // While signaling is away the windows say so, and the remote video keeps decoding frames.
        assertThat(aliceCall.status()).containsText("Reconnecting", new com.microsoft.playwright.assertions
                .LocatorAssertions.ContainsTextOptions().setTimeout(20_000));
        double before = bobCall.number("framesDecoded");
        double[] last = {aliceCall.number("framesDecoded")};
        while (!restart.isDone()) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250)).until(() -> {
                double now = aliceCall.number("framesDecoded");
                boolean grew = now > last[0];
                last[0] = now;
                return grew || restart.isDone();
            });
        }
        restart.join();
        assertTrue(bobCall.number("framesDecoded") > before, "bob's remote video decoded frames during the outage");

        // Signaling is back: both windows resume the call and say "Connected" again.
        for (CallWindow window : windows) {
            assertThat(window.status()).containsText("Connected", new com.microsoft.playwright.assertions
                    .LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        }
        aliceCall.awaitRemoteVideoFlowing();
        assertEquals("ESTABLISHED", document(aliceCall));
        bobCall.button("hangup").click();
        aliceCall.awaitState("ENDED");
        assertThat(aliceCall.message()).containsText(Pattern.compile("ended the call", Pattern.CASE_INSENSITIVE));
    }

    /**
     * The network the media uses (the namespace's 10.77.0.x, where every ICE candidate is) is cut for a few seconds;
     * signaling is not (the pages reach the gateway, and it the signaling service, on loopback): see
     * {@link MediaNetworkCut}. Both windows say "Reconnecting…" (their peer connections went {@code disconnected}),
     * alice's side restarts ICE over the signaling that still works, and once the network is back the video flows
     * again and the windows say "Connected"; the call is still ESTABLISHED after the media recovery limit (15 s) has
     * passed since the drop, so the {@code connected} report after the restart cleared it.
     */
    @Test
    void whenTheMediaNetworkDropsForAFewSecondsTheCallRestartsIceAndTheVideoComesBack() throws Exception {
        CallWindow[] windows = establishedVideoCall();
        CallWindow aliceCall = windows[0];
        CallWindow bobCall = windows[1];
        String aliceUfrag = iceUfrag(aliceCall, "localDescription");
        Instant cutAt = Instant.now();
        Instant dropped;
        double frozen;
        try (MediaNetworkCut cut = MediaNetworkCut.start()) {
            dropped = awaitReconnecting(windows);
            for (CallWindow window : windows) {
                // It is the media being recovered, not the signaling connection (that one is on loopback).
                assertEquals(Map.of("media", true, "signaling", false), reconnecting(window), MediaNetworkCut.rules());
            }
            // The restart offer went out and bob answered it, while the network is still down.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                String restarted = iceUfrag(aliceCall, "localDescription");
                return !aliceUfrag.equals(restarted) && restarted.equals(iceUfrag(bobCall, "remoteDescription"));
            });
            frozen = bobCall.number("framesDecoded");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> bobCall.number("framesDecoded") == frozen);
        }
        Instant restored = Instant.now();

        for (CallWindow window : windows) {
            assertThat(window.status()).containsText("Connected", within(30));
        }
        System.out.println("CallSurvivesBrowserIT: \"Reconnecting\" (first window) " + Duration.between(cutAt, dropped)
                .toMillis() + " ms after the cut, restored after " + Duration.between(cutAt, restored).toMillis()
                + " ms, \"Connected\" again " + Duration.between(restored, Instant.now()).toMillis()
                + " ms after that; alice's window showed " + statusesShown(aliceCall));
        aliceCall.awaitRemoteVideoFlowing();
        bobCall.awaitRemoteVideoFlowing();
        assertTrue(bobCall.number("framesDecoded") > frozen, "bob decodes alice's video again");
        Duration untilPastTheLimit = Duration.between(Instant.now(), dropped.plusSeconds(MEDIA_RECOVERY_SECONDS + 2));
        if (!untilPastTheLimit.isNegative()) {
            await().during(untilPastTheLimit).atMost(untilPastTheLimit.plusSeconds(5))
                    .until(() -> "ESTABLISHED".equals(document(aliceCall)) && "ESTABLISHED".equals(document(bobCall)));
        }
        assertEquals("ESTABLISHED", restCall(aliceCall).get("state"));
        bobCall.button("hangup").click();
        aliceCall.awaitState("ENDED");
        assertThat(aliceCall.message()).containsText(Pattern.compile("ended the call", Pattern.CASE_INSENSITIVE));
    }

    /**
     * The media network (as above; signaling is not cut) stays down past the media recovery limit: the call ends
     * {@code FAILED} with {@code call_error} {@code MEDIA_FAILED} once the limit has passed, and both windows say the
     * media connection was lost. The shared stack runs with the default limit (15 s), as {@code ./parley up} does.
     */
    @Test
    void whenTheMediaNetworkStaysDownPastTheRecoveryLimitTheCallFailsAndBothWindowsSaySo() throws Exception {
        CallWindow[] windows = establishedVideoCall();
        Instant dropped;
        try (MediaNetworkCut cut = MediaNetworkCut.start()) {
            dropped = awaitReconnecting(windows);
            for (CallWindow window : windows) {
                window.page().waitForFunction("() => document.body.dataset.callState === 'ENDED'", null,
                        new Page.WaitForFunctionOptions().setTimeout((MEDIA_RECOVERY_SECONDS + 30) * 1000.0));
            }
            // Ended by the limit (from the first report), not by a party giving up earlier.
            Duration lasted = Duration.between(dropped, Instant.now());
            System.out.println("CallSurvivesBrowserIT: the call ended " + lasted.toMillis()
                    + " ms after the first \"Reconnecting\"");
            assertTrue(lasted.toSeconds() >= MEDIA_RECOVERY_SECONDS - 1, "ended " + lasted + " after the drop");
        }
        for (CallWindow window : windows) {
            assertThat(window.message()).containsText("The media connection was lost and did not come back");
            assertEquals(Map.of("endReason", "FAILED", "code", "MEDIA_FAILED"), window.page().evaluate(
                    "() => ({endReason: window.parleyCall.call.endReason, code: window.parleyCall.call.error?.code})"));
        }
        // The REST API agrees (awaited: one run read ESTABLISHED there a moment after both windows heard the end).
        List<String> reads = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, Object> call = restCall(windows[0]);
            reads.add(String.valueOf(call.get("state")));
            return "ENDED".equals(call.get("state"));
        });
        if (reads.size() > 1) {
            System.out.println("CallSurvivesBrowserIT: REST said " + reads + " after both windows heard the call end");
        }
        Map<String, Object> call = restCall(windows[0]);
        assertEquals("ENDED", call.get("state"), call.toString());
        assertEquals("FAILED", call.get("endReason"), call.toString());
    }

    @Test
    void withARelayOnlyPolicyAndAnUnreachableRelayTheWindowsSayTheMediaCouldNotConnect() throws Exception {
        Page adminPage = admin.open("/admin/");
        opened.add(adminPage);
        JsonNode original = WebRtcSettings.read(adminPage);
        ObjectNode unreachable = original.deepCopy();
        unreachable.put("iceTransportPolicy", "relay");
        unreachable.put("useParleyTurn", true);
        // A port nobody listens on: every allocation request goes unanswered.
        unreachable.putArray("parleyTurnUrls").add("turn:" + SharedStack.HOST_ADDRESS + ":" + Ports.free() + "?transport=udp");
        JsonNode saved = WebRtcSettings.save(adminPage, unreachable);
        try {
            CallWindow[] windows = videoCall();
            // Media never connects: within the negotiation timeout (30 s) the call fails, and no window ever said
            // "Connected" (the page records every status it showed).
            for (CallWindow window : windows) {
                window.page().waitForFunction("() => document.body.dataset.callState === 'ENDED'", null,
                        new Page.WaitForFunctionOptions().setTimeout(60_000));
                assertThat(window.message()).containsText("could not connect");
                assertFalse(statusesShown(window).contains("Connected"), statusesShown(window).toString());
            }
        } finally {
            ObjectNode restore = original.deepCopy();
            restore.put("version", saved.get("version").asInt());
            WebRtcSettings.save(adminPage, restore);
        }
    }

    /**
     * Waits until both windows say "Reconnecting…"; returns when the first one did (within 100 ms): about when its
     * {@code media} {@code reconnecting} report started the call's recovery limit.
     */
    private static Instant awaitReconnecting(CallWindow[] windows) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                Arrays.stream(windows).anyMatch(w -> w.status().textContent().contains("Reconnecting")));
        Instant first = Instant.now();
        for (CallWindow window : windows) {
            assertThat(window.status()).containsText("Reconnecting", within(20));
        }
        return first;
    }

    private static LocatorAssertions.ContainsTextOptions within(int seconds) {
        return new LocatorAssertions.ContainsTextOptions().setTimeout(seconds * 1000.0);
    }

    /** What the window's call is recovering: its media connection, its signaling session. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> reconnecting(CallWindow window) {
        return (Map<String, Object>) window.page().evaluate("() => ({media: window.parleyCall.call.mediaReconnecting,"
                + " signaling: window.parleyCall.call.reconnecting})");
    }

    /** The ICE username fragment of the window's local or remote description: an ICE restart changes it. */
    private static String iceUfrag(CallWindow window, String description) {
        return (String) window.page().evaluate("d => (window.parleyCall.peerConnection[d]?.sdp"
                + ".match(/a=ice-ufrag:(\\S+)/) ?? [])[1] ?? null", description);
    }

    /** The window's call as the signaling REST API has it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> restCall(CallWindow window) {
        return (Map<String, Object>) window.page().evaluate(
                "() => window.parleyCall.parley.getCall(window.parleyCall.call.id)");
    }

    @SuppressWarnings("unchecked")
    private static List<String> statusesShown(CallWindow window) {
        return (List<String>) window.page().evaluate("() => [...(window.parleyStatuses ?? [])]");
    }

    private static String document(CallWindow window) {
        return (String) window.page().evaluate("() => document.body.dataset.callState");
    }

}
