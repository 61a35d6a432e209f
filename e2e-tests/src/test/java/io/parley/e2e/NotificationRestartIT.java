package io.parley.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.event.Topics;
import io.parley.event.call.CallEvent;
import io.parley.event.call.CallEventType;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.parley.stack.Ports;
import io.parley.stack.QuarkusService;
import io.parley.testsupport.TestUser;
import io.parley.testsupport.KafkaTestClient;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * notification-service killed (SIGKILL) while calls keep ending unanswered, then started again: every
 * missed call is in the callee's list exactly once. Uses the packaged service, real Kafka and PostgreSQL.
 */
class NotificationRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void killedNotificationServiceLosesNoMissedCallAndDuplicatesNone() throws Exception {
        String callee = TestUser.uniqueName("bob-restart");
        Path project = Path.of(System.getProperty("parley.project.dir", "..")).toAbsolutePath().normalize();
        Path jar = QuarkusService.runnableJar(project, "notification-service");
        Map<String, String> config = StandaloneServices.config("notification");
        Path logs = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "notification-restart-");
        int port = Ports.free();

        Set<String> callIds = new HashSet<>();
        QuarkusService first = QuarkusService.start("notification-1", jar, port, config, logs.resolve("first.log"), null)
                .awaitReady(Duration.ofSeconds(90));
        try {
            for (int i = 0; i < 20; i++) {
                callIds.add(missedCall(callee, i));
            }
        } finally {
            first.process().kill();
        }
        for (int i = 20; i < 40; i++) {
            callIds.add(missedCall(callee, i));
        }
        QuarkusService second = QuarkusService.start("notification-2", jar, port, config, logs.resolve("second.log"), null)
                .awaitReady(Duration.ofSeconds(90));
        try {
            String token = SharedInfrastructure.oidc().accessToken(callee);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions().until(() -> missedCalls(second, token).path("total").asInt() >= callIds.size());
            JsonNode page = missedCalls(second, token);
            assertEquals(callIds.size(), page.path("total").asInt(), "missed calls after the restart: " + page);
            Set<String> listed = new HashSet<>();
            page.path("missedCalls").forEach(m -> listed.add(m.path("callId").asText()));
            assertEquals(callIds, listed, "each missed call exactly once");
        } finally {
            second.close();
        }
    }

    /** Publishes what signaling publishes when a call to {@code callee} ends unanswered; returns the call id. */
    private static String missedCall(String callee, int n) {
        String callId = UUID.randomUUID().toString();
        CallEvent ended = new CallEvent(UUID.randomUUID().toString(), CallEventType.ENDED, Instant.now(), callId,
                new Party(TestOidcIssuer.subjectOf("alice"), "Alice", null),
                new Party(TestOidcIssuer.subjectOf(callee), callee, null), true, n % 2 == 0, "webrtc", null,
                CallState.ENDED, n % 3 == 0 ? EndReason.NO_ANSWER : EndReason.CANCELLED, null, 0L);
        KafkaTestClient.send(Topics.CALL_EVENTS, callId, ended);
        if (n % 5 == 0) {
            // At-least-once delivery means duplicates happen; they must not become two missed calls.
            KafkaTestClient.send(Topics.CALL_EVENTS, callId, ended);
        }
        return callId;
    }

    private static JsonNode missedCalls(QuarkusService service, String token) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.url()
                + "/api/notification/missed-calls?page=0&size=100")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
