package io.parley.notification.incoming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.parley.notification.CallEvents;
import io.parley.notification.Pages;
import io.parley.testsupport.PrometheusMetrics;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ringing on every page of the callee, and every popup closing when the call is answered or ends. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
@WithTestResource(OidcResource.class)
class IncomingCallNotificationIT {

    private static final String PUSHED = "parley_notification_pushed_total";
    private static final String INCOMING_CALL = "type=\"incoming_call\"";

    @TestHTTPResource("/ws/notifications")
    URI http;

    @Inject
    KafkaClientService kafka;

    @BeforeEach
    void consumersListen() {
        CallEvents.awaitConsumersPositioned(kafka);
    }

    @Test
    void calleeWithThreePagesGetsThreeIncomingCallsAndTheOtherTwoCloseWhenTheThirdAnswers() throws Exception {
        String alice = CallEvents.newUser("alice");
        String bob = CallEvents.newUser("bob");
        Party caller = CallEvents.party(alice);
        Party callee = CallEvents.party(bob);
        String callId = CallEvents.newCallId();
        URI socket = Pages.socketUri(http);
        double incomingCallsPushed = PrometheusMetrics.value(PUSHED, INCOMING_CALL);
        try (WsTestClient inbox = Pages.open(socket, bob, "inbox");
                WsTestClient crm = Pages.open(socket, bob, "crm");
                WsTestClient answering = Pages.open(socket, bob, "answering")) {
            CallEvents.produce(CallEvents.invited(callId, caller, callee, true));

            for (WsTestClient page : List.of(inbox, crm, answering)) {
                JsonNode incoming = page.awaitCallEvent("incoming_call", callId);
                assertEquals(caller.id(), incoming.path("caller").path("id").asText(), incoming.toString());
                assertEquals(caller.name(), incoming.path("caller").path("name").asText(), incoming.toString());
                assertEquals(caller.avatar(), incoming.path("caller").path("avatar").asText(), incoming.toString());
                assertTrue(incoming.path("audio").asBoolean(), incoming.toString());
                assertTrue(incoming.path("video").asBoolean(), incoming.toString());
                assertTrue(incoming.path("ring").asBoolean(), incoming.toString());
            }
            Awaitility.await("incoming_call pushes counted").atMost(CallEvents.WAIT)
                    .until(() -> PrometheusMetrics.value(PUSHED, INCOMING_CALL) >= incomingCallsPushed + 3);

            CallEvents.produce(CallEvents.answered(callId, caller, callee));

            for (WsTestClient page : List.of(inbox, crm)) {
                assertEquals("ANSWERED", page.awaitCallEvent("incoming_call_closed", callId).path("reason").asText());
            }
        }
    }

    @Test
    void aPageThatReconnectsWhileACallRingsGetsItsPopupAndNotOnceTheCallWasAnswered() throws Exception {
        String bob = CallEvents.newUser("bob");
        Party caller = CallEvents.party(CallEvents.newUser("alice"));
        Party callee = CallEvents.party(bob);
        String callId = CallEvents.newCallId();
        URI socket = Pages.socketUri(http);
        try (WsTestClient before = Pages.open(socket, bob, "before")) {
            CallEvents.produce(CallEvents.invited(callId, caller, callee, true));
            before.awaitCallEvent("incoming_call", callId);
        }
        // The page's socket dropped and came back (a network change, a notification instance restart) while ringing.
        try (WsTestClient again = Pages.open(socket, bob, "again")) {
            JsonNode incoming = again.awaitCallEvent("incoming_call", callId);
            assertEquals(caller.id(), incoming.path("caller").path("id").asText());
            assertTrue(incoming.path("ring").asBoolean());
            CallEvents.produce(CallEvents.answered(callId, caller, callee));
            again.awaitCallEvent("incoming_call_closed", callId);
        }
        try (WsTestClient later = Pages.open(socket, bob, "later")) {
            String other = CallEvents.newCallId();
            CallEvents.produce(CallEvents.invited(other, caller, callee, true));
            later.awaitCallEvent("incoming_call", other);
            assertFalse(later.hasReceived(m -> "incoming_call".equals(m.path("type").asText())
                    && callId.equals(m.at("/payload/callId").asText())), "an answered call rings no more");
        }
    }

    @Test
    void ringFlagPassesThroughToThePages() throws Exception {
        String bob = CallEvents.newUser("bob");
        Party caller = CallEvents.party(CallEvents.newUser("alice"));
        Party callee = CallEvents.party(bob);
        try (WsTestClient page = Pages.open(Pages.socketUri(http), bob, "inbox")) {
            String silent = CallEvents.newCallId();
            String ringing = CallEvents.newCallId();
            CallEvents.produce(CallEvents.invited(silent, caller, callee, false));
            CallEvents.produce(CallEvents.invited(ringing, caller, callee, true));

            assertFalse(page.awaitCallEvent("incoming_call", silent).path("ring").asBoolean(true));
            assertTrue(page.awaitCallEvent("incoming_call", ringing).path("ring").asBoolean(false));
        }
    }

    @Test
    void endedCallClosesThePopupWithItsReason() throws Exception {
        String bob = CallEvents.newUser("bob");
        Party caller = CallEvents.party(CallEvents.newUser("alice"));
        Party callee = CallEvents.party(bob);
        String callId = CallEvents.newCallId();
        try (WsTestClient page = Pages.open(Pages.socketUri(http), bob, "inbox")) {
            CallEvents.produce(CallEvents.invited(callId, caller, callee, true));
            page.awaitCallEvent("incoming_call", callId);
            CallEvents.produce(CallEvents.ended(callId, caller, callee, EndReason.DECLINED));

            assertEquals("DECLINED", page.awaitCallEvent("incoming_call_closed", callId).path("reason").asText());
        }
    }

    @Test
    void onlyTheCalleesPagesAreNotified() throws Exception {
        String alice = CallEvents.newUser("alice");
        String bob = CallEvents.newUser("bob");
        Party caller = CallEvents.party(alice);
        Party callee = CallEvents.party(bob);
        String callId = CallEvents.newCallId();
        URI socket = Pages.socketUri(http);
        try (WsTestClient bobsPage = Pages.open(socket, bob, "inbox");
                WsTestClient alicesPage = Pages.open(socket, alice, "inbox");
                WsTestClient carolsPage = Pages.open(socket, CallEvents.newUser("carol"), "inbox")) {
            CallEvents.produce(CallEvents.invited(callId, caller, callee, true));
            CallEvents.produce(CallEvents.answered(callId, caller, callee));

            // The close follows the invitation on the call's partition: once bob has it, any push of this call
            // to the others would have been written before.
            bobsPage.awaitCallEvent("incoming_call_closed", callId);
            for (WsTestClient other : List.of(alicesPage, carolsPage)) {
                assertFalse(other.hasReceived(m -> callId.equals(m.path("payload").path("callId").asText())),
                        other.received().toString());
            }
        }
    }
}
