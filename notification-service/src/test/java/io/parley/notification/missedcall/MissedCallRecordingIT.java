package io.parley.notification.missedcall;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.event.call.CallEvent;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.parley.notification.CallEvents;
import io.parley.notification.Pages;
import io.parley.testsupport.PrometheusMetrics;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which ended calls become missed calls, stored once and pushed to the callee's pages. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
@WithTestResource(OidcResource.class)
class MissedCallRecordingIT {

    private static final String STORED = "parley_notification_missed_calls_stored_total";
    private static final String DUPLICATES = "parley_notification_missed_calls_duplicates_total";

    @TestHTTPResource("/ws/notifications")
    URI http;

    @Inject
    KafkaClientService kafka;

    @Inject
    MeterRegistry meters;

    @BeforeEach
    void consumersListen() {
        CallEvents.awaitConsumersPositioned(kafka);
    }

    @ParameterizedTest
    @EnumSource(value = EndReason.class, names = {"CANCELLED", "NO_ANSWER", "UNAVAILABLE", "BUSY"})
    void unansweredCallIsStoredAsMissedCallAndPushedToTheCallee(EndReason reason) throws Exception {
        String bob = CallEvents.newUser("bob");
        Party caller = CallEvents.party(CallEvents.newUser("alice"));
        String callId = CallEvents.newCallId();
        Instant endedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        double storedBefore = PrometheusMetrics.value(STORED);
        try (WsTestClient page = Pages.open(Pages.socketUri(http), bob, "inbox")) {
            CallEvents.produce(CallEvents.ended(callId, caller, CallEvents.party(bob), reason, endedAt));

            assertEquals(reason.name(), page.awaitCallEvent("incoming_call_closed", callId).path("reason").asText());
            JsonNode pushed = page.awaitCallEvent("missed_call", callId);
            assertEquals(caller.id(), pushed.path("caller").path("id").asText(), pushed.toString());
            assertEquals(caller.name(), pushed.path("caller").path("name").asText(), pushed.toString());
            assertEquals(reason.name(), pushed.path("reason").asText(), pushed.toString());
            assertTrue(pushed.path("audio").asBoolean(), pushed.toString());
            assertFalse(pushed.path("video").asBoolean(true), pushed.toString());
            assertEquals(endedAt, Instant.parse(pushed.path("at").asText()), pushed.toString());
            assertFalse(pushed.path("read").asBoolean(true), pushed.toString());

            JsonPath stored = awaitMissedCalls(bob, 1);
            assertEquals(pushed.path("id").asText(), stored.getString("missedCalls[0].id"));
            assertEquals(callId, stored.getString("missedCalls[0].callId"));
            assertEquals(reason.name(), stored.getString("missedCalls[0].reason"));
            assertEquals(caller.avatar(), stored.getString("missedCalls[0].caller.avatar"));
            assertEquals(endedAt, Instant.parse(stored.getString("missedCalls[0].at")));
            assertFalse(stored.getBoolean("missedCalls[0].read"));
            assertTrue(PrometheusMetrics.value(STORED) >= storedBefore + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = EndReason.class, names = {"HANGUP", "DECLINED"})
    void callTheCalleeTookOrRefusedIsNoMissedCall(EndReason reason) throws Exception {
        String bob = CallEvents.newUser("bob");
        String callId = CallEvents.newCallId();
        try (WsTestClient page = Pages.open(Pages.socketUri(http), bob, "inbox")) {
            RecordMetadata record = CallEvents.produce(
                    CallEvents.ended(callId, CallEvents.party(CallEvents.newUser("alice")), CallEvents.party(bob), reason));

            page.awaitCallEvent("incoming_call_closed", callId);
            CallEvents.awaitMissedCallsConsumed(kafka, record);
            assertEquals(0, missedCalls(bob).getInt("total"));
            assertFalse(page.hasReceived(m -> "missed_call".equals(m.path("type").asText())), page.received().toString());
        }
    }

    @Test
    void sameEventDeliveredTwiceStoresOneMissedCall() {
        String bob = CallEvents.newUser("bob");
        CallEvent ended = CallEvents.ended(CallEvents.newCallId(), CallEvents.party(CallEvents.newUser("alice")),
                CallEvents.party(bob), EndReason.NO_ANSWER);

        double duplicatesBefore = PrometheusMetrics.value(DUPLICATES);
        CallEvents.produce(ended);
        RecordMetadata second = CallEvents.produce(ended);

        CallEvents.awaitMissedCallsConsumed(kafka, second);
        JsonPath list = missedCalls(bob);
        assertEquals(1, list.getInt("total"), list.prettify());
        assertEquals(ended.callId(), list.getString("missedCalls[0].callId"));
        assertTrue(PrometheusMetrics.value(DUPLICATES) >= duplicatesBefore + 1);
    }

    @Test
    void unreadableRecordDoesNotStopNotificationsOrMissedCalls() throws Exception {
        String bob = CallEvents.newUser("bob");
        String callId = CallEvents.newCallId();
        try (WsTestClient page = Pages.open(Pages.socketUri(http), bob, "inbox")) {
            CallEvents.produceRaw(callId, "{this is not a call event");
            CallEvents.produceRaw(callId, "{\"eventId\":\"e-incomplete\",\"type\":\"ENDED\",\"endReason\":\"NO_ANSWER\"}");
            CallEvents.produce(CallEvents.ended(callId, CallEvents.party(CallEvents.newUser("alice")),
                    CallEvents.party(bob), EndReason.BUSY));

            page.awaitCallEvent("missed_call", callId);
            assertEquals(callId, awaitMissedCalls(bob, 1).getString("missedCalls[0].callId"));
        }
    }

    @Test
    void recordIsCommittedOnlyOnceItsMissedCallIsStoredAndIsRetriedUntilThen() throws Exception {
        String bob = CallEvents.newUser("bob");
        Party callee = CallEvents.party(bob);
        Counter failures = meters.find("parley.notification.missed.calls.store.failures").counter();
        double failuresBefore = failures.count();
        try (Connection db = database(); Statement sql = db.createStatement()) {
            // The database refuses bob's missed calls, as a database that is away would.
            sql.execute("""
                    create function refuse_bobs_missed_calls() returns trigger language plpgsql as $$
                    begin
                        if new.callee_id = '%s' then raise exception 'refused by the test'; end if;
                        return new;
                    end $$""".formatted(callee.id()));
            sql.execute("create trigger refuse_bobs_missed_calls before insert on missed_call"
                    + " for each row execute function refuse_bobs_missed_calls()");
            RecordMetadata record;
            try {
                record = CallEvents.produce(CallEvents.ended(CallEvents.newCallId(),
                        CallEvents.party(CallEvents.newUser("alice")), callee, EndReason.NO_ANSWER));
                Awaitility.await("a failed attempt").atMost(CallEvents.WAIT).until(() -> failures.count() > failuresBefore);
                assertFalse(CallEvents.missedCallsCommittedPast(kafka, record), "committed before it was stored");
            } finally {
                sql.execute("drop trigger refuse_bobs_missed_calls on missed_call");
                sql.execute("drop function refuse_bobs_missed_calls()");
            }
            CallEvents.awaitMissedCallsConsumed(kafka, record);
            assertEquals(1, missedCalls(bob).getInt("total"));
        }
    }

    private static Connection database() throws Exception {
        Config config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getValue("quarkus.datasource.password", String.class));
    }

    private static JsonPath awaitMissedCalls(String username, int count) {
        return Awaitility.await(count + " missed calls of " + username).atMost(CallEvents.WAIT)
                .until(() -> missedCalls(username), list -> list.getInt("total") >= count);
    }

    static JsonPath missedCalls(String username) {
        return given().auth().oauth2(SharedInfrastructure.oidc().accessToken(username))
                .queryParams(Map.of("page", 0, "size", 100))
                .when().get("/api/notification/missed-calls")
                .then().statusCode(200).extract().jsonPath();
    }
}
