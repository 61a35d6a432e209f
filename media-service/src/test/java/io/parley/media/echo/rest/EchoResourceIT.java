package io.parley.media.echo.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.media.echo.EchoTestClient;
import io.parley.testsupport.PrometheusMetrics;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/media/echo} against the running service, called by a real webrtc-java peer over a real network
 * interface (the tests run in a private network namespace, see the module's pom): the caller gets its own video
 * back, the server reports what it received, and every way a call ends frees the server's peer.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(OidcResource.class)
class EchoResourceIT {

    static final String PATH = "/api/media/echo";
    static final String ACTIVE = "parley_echo_sessions_active";
    private static final Duration MEDIA = Duration.ofSeconds(30);

    private static TestOidcIssuer oidc() {
        return SharedInfrastructure.oidc();
    }

    @AfterEach
    void everyServerPeerIsReleased() {
        // Each test hangs up or loses its calls; a peer left behind would also take a slot from the next test.
        await("the active echo sessions gauge to drop to 0").atMost(MEDIA).until(() -> PrometheusMetrics.value(ACTIVE, "") == 0);
    }

    @Test
    void callerGetsOwnVideoBackAndTheReportShowsWhatTheServerReceived() throws Exception {
        double started = PrometheusMetrics.value("parley_echo_sessions_started_total", "");
        try (EchoTestClient caller = EchoTestClient.start(640, 480, 30)) {
            JsonPath answer = call("alice", caller);
            assertEquals(60, answer.getInt("maxDurationSeconds"));
            String id = answer.getString("id");
            assertEquals(started + 1, PrometheusMetrics.value("parley_echo_sessions_started_total", ""));
            assertEquals(1, PrometheusMetrics.value(ACTIVE, ""));
            // The call runs in an echo worker process, which the service started and has not lost.
            assertTrue(PrometheusMetrics.value("parley_echo_workers_started_total", "") >= 1);
            assertEquals(0, PrometheusMetrics.value("parley_echo_workers_failed_total", ""));

            await("30 echoed frames at the size sent").atMost(MEDIA)
                    .until(() -> caller.framesReceived() >= 30 && caller.lastFrameSize().equals("640x480"));
            await("the server's tone to arrive").atMost(MEDIA).until(() -> caller.audioPacketsReceived() > 0);

            JsonPath report = await("a report with the received video's size, frame rate and round trip")
                    .atMost(MEDIA).until(() -> report("alice", id),
                            r -> r.getInt("video.frameWidth") == 640 && r.getDouble("video.framesPerSecond") > 0
                                    && r.get("roundTripTimeMs") != null);
            assertEquals("connected", report.getString("state"));
            assertEquals(id, report.getString("id"));
            assertNotNull(report.getString("startedAt"));
            assertNull(report.get("endReason"));
            assertEquals(480, report.getInt("video.frameHeight"));
            assertTrue(report.getLong("video.framesReceived") > 0, report.prettify());
            assertTrue(report.getLong("video.packetsReceived") > 0, report.prettify());
            assertEquals(0, report.getLong("video.packetsLost"), report.prettify());
            assertTrue(report.getLong("video.framesSent") > 0, report.prettify());
            assertTrue(report.getDouble("roundTripTimeMs") >= 0, report.prettify());
            assertTrue(report.getLong("audio.packetsReceived") > 0, report.prettify());
            assertFalse(report.getBoolean("audio.echoed"), "the server sends a test tone: " + report.prettify());

            given().auth().oauth2(oidc().accessToken("alice")).when().delete(PATH + "/" + id)
                    .then().statusCode(204);
            assertEquals(0, PrometheusMetrics.value(ACTIVE, ""), "DELETE returns once the server peer is released");
            JsonPath ended = report("alice", id);
            assertEquals("ended", ended.getString("state"));
            assertEquals("HANGUP", ended.getString("endReason"));
            assertTrue(ended.getLong("video.framesReceived") >= report.getLong("video.framesReceived"),
                    "the final report keeps the figures: " + ended.prettify());
            given().auth().oauth2(oidc().accessToken("alice")).when().delete(PATH + "/" + id)
                    .then().statusCode(204);
            assertEquals("HANGUP", report("alice", id).getString("endReason"), "hanging up again changes nothing");
        }
    }

    @Test
    void callerThatVanishesEndsTheCallAsDisconnected() throws Exception {
        double disconnected = PrometheusMetrics.value("parley_echo_sessions_ended_total", "reason=\"disconnected\"");
        String id;
        try (EchoTestClient caller = EchoTestClient.start(640, 480, 30)) {
            id = call("bob", caller).getString("id");
            await("the call to connect").atMost(MEDIA)
                    .until(() -> "connected".equals(report("bob", id).getString("state")));
        }
        JsonPath ended = await("the server to notice the caller is gone").atMost(MEDIA)
                .until(() -> report("bob", id), r -> "ended".equals(r.getString("state")));
        assertEquals("DISCONNECTED", ended.getString("endReason"));
        assertEquals(disconnected + 1, PrometheusMetrics.value("parley_echo_sessions_ended_total", "reason=\"disconnected\""));
    }

    @Test
    void oneCallMoreThanTheLimitIsToldTheServiceIsBusy() throws Exception {
        double refused = PrometheusMetrics.value("parley_echo_sessions_refused_total", "reason=\"busy\"");
        try (EchoTestClient first = EchoTestClient.start(640, 480, 30);
                EchoTestClient second = EchoTestClient.start(640, 480, 30);
                EchoTestClient third = EchoTestClient.start(640, 480, 30)) {
            String firstId = call("carol", first).getString("id");
            String secondId = call("alice", second).getString("id");

            Response busy = given().auth().oauth2(oidc().accessToken("dave")).contentType(ContentType.JSON)
                    .body(Map.of("sdp", third.offer())).when().post(PATH);
            busy.then().statusCode(503)
                    .body("code", equalTo("ECHO_BUSY"))
                    .body("message", equalTo("All echo test slots are in use; try again in a minute"))
                    .body("correlationId", notNullValue());
            long retryAfter = Long.parseLong(busy.getHeader("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            assertEquals(refused + 1, PrometheusMetrics.value("parley_echo_sessions_refused_total", "reason=\"busy\""));

            given().auth().oauth2(oidc().accessToken("carol")).when().delete(PATH + "/" + firstId)
                    .then().statusCode(204);
            String thirdId = call("dave", third).getString("id");
            given().auth().oauth2(oidc().accessToken("alice")).when().delete(PATH + "/" + secondId)
                    .then().statusCode(204);
            given().auth().oauth2(oidc().accessToken("dave")).when().delete(PATH + "/" + thirdId)
                    .then().statusCode(204);
        }
    }

    @Test
    void anotherUserCannotSeeOrEndTheCall() throws Exception {
        try (EchoTestClient caller = EchoTestClient.start(640, 480, 30)) {
            String id = call("alice", caller).getString("id");
            given().auth().oauth2(oidc().accessToken("bob")).when().get(PATH + "/" + id)
                    .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
            given().auth().oauth2(oidc().accessToken("bob")).when().delete(PATH + "/" + id)
                    .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
            given().auth().oauth2(oidc().accessToken("bob")).when().get(PATH + "/no-such-call")
                    .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
            assertNull(report("alice", id).get("endReason"), "bob's DELETE ended nothing");
            given().auth().oauth2(oidc().accessToken("alice")).when().delete(PATH + "/" + id)
                    .then().statusCode(204);
        }
    }

    @Test
    void anonymousCallerGets401() {
        given().contentType(ContentType.JSON).body(Map.of("sdp", "v=0")).when().post(PATH).then().statusCode(401);
        given().when().get(PATH + "/some-id").then().statusCode(401);
        given().when().delete(PATH + "/some-id").then().statusCode(401);
    }

    @Test
    void missingOrUnusableOfferGets400NamingTheField() {
        for (String body : new String[] {"{}", "{\"sdp\": \"\"}", "{\"sdp\": \"hello\"}",
                "{\"sdp\": \"v=0\\r\\no=- 1 1 IN IP4 0.0.0.0\\r\\nm=nonsense\\r\\n\"}"}) {
            given().auth().oauth2(oidc().accessToken("alice")).contentType(ContentType.JSON).body(body)
                    .when().post(PATH)
                    .then().statusCode(400)
                    .body("code", equalTo("INVALID_PAYLOAD"))
                    .body("message", containsString("sdp"));
        }
        given().auth().oauth2(oidc().accessToken("alice")).contentType(ContentType.JSON).body("{\"sdp\": [1]}")
                .when().post(PATH)
                .then().statusCode(400).body("code", equalTo("INVALID_PAYLOAD")).body("message", containsString("sdp"));
        given().auth().oauth2(oidc().accessToken("alice")).contentType(ContentType.JSON).body("{\"sdp\":")
                .when().post(PATH)
                .then().statusCode(400).body("correlationId", notNullValue());
    }

    /** Posts the caller's offer as {@code user}, applies the answer, and returns the 201 body. */
    static JsonPath call(String user, EchoTestClient caller) throws Exception {
        JsonPath answer = given().auth().oauth2(oidc().accessToken(user)).contentType(ContentType.JSON)
                .body(Map.of("sdp", caller.offer()))
                .when().post(PATH)
                .then().statusCode(201)
                .header("Location", containsString(PATH + "/"))
                .body("sdp", containsString("a=candidate"))
                .extract().jsonPath();
        caller.accept(answer.getString("sdp"));
        return answer;
    }

    static JsonPath report(String user, String id) {
        return given().auth().oauth2(oidc().accessToken(user)).when().get(PATH + "/" + id)
                .then().statusCode(200).extract().jsonPath();
    }

}
