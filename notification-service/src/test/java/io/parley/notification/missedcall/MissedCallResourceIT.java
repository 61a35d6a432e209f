package io.parley.notification.missedcall;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.parley.notification.CallEvents;
import io.parley.notification.Pages;
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
import io.restassured.specification.RequestSpecification;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The missed-call list and its read flags, as their owner and as anyone else sees them. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
@WithTestResource(OidcResource.class)
class MissedCallResourceIT {

    private static final String LIST = "/api/notification/missed-calls";

    @TestHTTPResource("/ws/notifications")
    URI http;

    @Inject
    KafkaClientService kafka;

    @BeforeEach
    void consumersListen() {
        CallEvents.awaitConsumersPositioned(kafka);
    }

    @Test
    void offlineCalleeFindsTheMissedCallInTheListAndTheUnreadCountInTheNextWelcome() throws Exception {
        String bob = CallEvents.newUser("bob");
        String callId = CallEvents.newCallId();
        missCalls(bob, EndReason.UNAVAILABLE, callId);

        JsonPath list = MissedCallRecordingIT.missedCalls(bob);
        assertEquals(1, list.getInt("total"));
        assertEquals(callId, list.getString("missedCalls[0].callId"));
        assertEquals("UNAVAILABLE", list.getString("missedCalls[0].reason"));
        try (WsTestClient page = Pages.open(Pages.socketUri(http), bob, "inbox")) {
            assertEquals(1, Pages.welcome(page).path("unreadMissedCalls").asInt());
        }
    }

    @Test
    void listIsNewestFirstPagedAndFiltersUnread() {
        String bob = CallEvents.newUser("bob");
        Party caller = CallEvents.party(CallEvents.newUser("alice"));
        Instant first = Instant.parse("2026-11-24T10:00:00Z");
        String oldest = CallEvents.newCallId();
        String middle = CallEvents.newCallId();
        String newest = CallEvents.newCallId();
        CallEvents.produce(CallEvents.ended(oldest, caller, CallEvents.party(bob), EndReason.NO_ANSWER, first));
        CallEvents.produce(CallEvents.ended(newest, caller, CallEvents.party(bob), EndReason.NO_ANSWER,
                first.plusSeconds(120)));
        CallEvents.produce(CallEvents.ended(middle, caller, CallEvents.party(bob), EndReason.NO_ANSWER,
                first.plusSeconds(60)));
        awaitTotal(bob, 3);

        JsonPath firstPage = as(bob).queryParam("size", 2).get(LIST).then().statusCode(200).extract().jsonPath();
        assertEquals(0, firstPage.getInt("page"));
        assertEquals(2, firstPage.getInt("size"));
        assertEquals(3, firstPage.getInt("total"));
        assertEquals(List.of(newest, middle), firstPage.getList("missedCalls.callId"));
        JsonPath secondPage = as(bob).queryParam("size", 2).queryParam("page", 1).get(LIST).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(oldest), secondPage.getList("missedCalls.callId"));

        String middleId = firstPage.getString("missedCalls[1].id");
        as(bob).post(LIST + "/" + middleId + "/read").then().statusCode(200);
        JsonPath unread = as(bob).queryParam("unreadOnly", true).get(LIST).then().statusCode(200).extract().jsonPath();
        assertEquals(2, unread.getInt("total"));
        assertEquals(List.of(newest, oldest), unread.getList("missedCalls.callId"));
    }

    @Test
    void markingOneReadAndThenAllReadClearsTheUnreadCount() throws Exception {
        String bob = CallEvents.newUser("bob");
        String firstCall = CallEvents.newCallId();
        missCalls(bob, EndReason.NO_ANSWER, firstCall, CallEvents.newCallId(), CallEvents.newCallId());
        String firstId = MissedCallRecordingIT.missedCalls(bob).getString("missedCalls.find { it.callId == '"
                + firstCall + "' }.id");

        as(bob).post(LIST + "/" + firstId + "/read").then().statusCode(200)
                .body("id", equalTo(firstId)).body("callId", equalTo(firstCall)).body("read", equalTo(true));
        // Marking it again changes nothing and is not an error.
        as(bob).post(LIST + "/" + firstId + "/read").then().statusCode(200).body("read", equalTo(true));
        try (WsTestClient page = Pages.open(Pages.socketUri(http), bob, "inbox")) {
            assertEquals(2, Pages.welcome(page).path("unreadMissedCalls").asInt());
        }

        as(bob).post(LIST + "/read-all").then().statusCode(200).body("marked", equalTo(2));
        as(bob).queryParam("unreadOnly", true).get(LIST).then().statusCode(200).body("total", equalTo(0));
        as(bob).get(LIST).then().statusCode(200).body("total", equalTo(3));
        try (WsTestClient page = Pages.open(Pages.socketUri(http), bob, "inbox")) {
            assertEquals(0, Pages.welcome(page).path("unreadMissedCalls").asInt());
        }
    }

    @Test
    void anotherUserCannotSeeReadOrMarkBobsMissedCalls() throws Exception {
        String bob = CallEvents.newUser("bob");
        String mallory = CallEvents.newUser("mallory");
        missCalls(bob, EndReason.CANCELLED, CallEvents.newCallId());
        String bobsId = MissedCallRecordingIT.missedCalls(bob).getString("missedCalls[0].id");

        as(mallory).get(LIST).then().statusCode(200).body("total", equalTo(0));
        as(mallory).post(LIST + "/" + bobsId + "/read").then().statusCode(404)
                .body("code", equalTo("NOT_FOUND")).body("correlationId", notNullValue());
        as(mallory).post(LIST + "/read-all").then().statusCode(200).body("marked", equalTo(0));

        as(bob).queryParam("unreadOnly", true).get(LIST).then().statusCode(200).body("total", equalTo(1))
                .body("missedCalls[0].read", equalTo(false));
    }

    @Test
    void unknownOrMalformedIdIsNotFound() {
        String bob = CallEvents.newUser("bob");
        as(bob).post(LIST + "/" + UUID.randomUUID() + "/read").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        as(bob).post(LIST + "/not-a-uuid/read").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void pageSizeOutsideOneToHundredOrBadPageIsRefused() {
        String bob = CallEvents.newUser("bob");
        for (String size : List.of("0", "101", "-1", "ten")) {
            as(bob).queryParam("size", size).get(LIST).then().statusCode(400).body("code", equalTo("INVALID_PAYLOAD"));
        }
        for (String page : List.of("-1", "first")) {
            as(bob).queryParam("page", page).get(LIST).then().statusCode(400).body("code", equalTo("INVALID_PAYLOAD"));
        }
        as(bob).queryParam("size", 100).get(LIST).then().statusCode(200).body("size", equalTo(100));
    }

    @Test
    void anonymousRequestsAreRefused() {
        given().get(LIST).then().statusCode(401);
        given().post(LIST + "/read-all").then().statusCode(401);
    }

    private static RequestSpecification as(String username) {
        return given().auth().oauth2(SharedInfrastructure.oidc().accessToken(username));
    }

    /** Calls {@code callee} while they are offline, once per call id, and waits until the service stored them. */
    private void missCalls(String callee, EndReason reason, String... callIds) {
        Party caller = CallEvents.party(CallEvents.newUser("alice"));
        RecordMetadata last = null;
        for (String callId : callIds) {
            last = CallEvents.produce(CallEvents.ended(callId, caller, CallEvents.party(callee), reason));
            CallEvents.awaitMissedCallsConsumed(kafka, last);
        }
        awaitTotal(callee, callIds.length);
    }

    private static void awaitTotal(String username, int total) {
        Awaitility.await(total + " missed calls of " + username).atMost(CallEvents.WAIT)
                .until(() -> MissedCallRecordingIT.missedCalls(username).getInt("total") >= total);
    }
}
