package io.parley.media.echo.rest;

import static io.parley.media.echo.rest.EchoResourceIT.ACTIVE;
import static io.parley.media.echo.rest.EchoResourceIT.call;
import static io.parley.media.echo.rest.EchoResourceIT.report;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.testsupport.PrometheusMetrics;
import io.parley.media.echo.EchoTestClient;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A call that reaches its time limit is ended by the server. The limit is shortened to a few seconds for this
 * test, which makes it a Quarkus application of its own: it runs in a JVM of its own too (see the module's pom),
 * because the native WebRTC library must be loaded only once per JVM.
 */
@QuarkusTest
@TestProfile(EchoTimeLimitIT.ShortCalls.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(OidcResource.class)
class EchoTimeLimitIT {

    /** Calls of six seconds. */
    public static class ShortCalls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.echo.max-duration", "6s");
        }
    }

    @Test
    void callReachingItsTimeLimitIsEndedByTheServer() throws Exception {
        try (EchoTestClient caller = EchoTestClient.start(640, 480, 30)) {
            JsonPath answer = call("alice", caller);
            assertEquals(6, answer.getInt("maxDurationSeconds"));
            String id = answer.getString("id");
            await("the echo to flow").atMost(Duration.ofSeconds(6)).until(() -> caller.framesReceived() > 0);

            JsonPath ended = await("the server to end the call").atMost(Duration.ofSeconds(20))
                    .until(() -> report("alice", id), r -> "ended".equals(r.getString("state")));
            assertEquals("TIME_LIMIT", ended.getString("endReason"));
            Duration lasted = Duration.between(Instant.parse(ended.getString("startedAt")), Instant.now());
            assertTrue(lasted.compareTo(Duration.ofSeconds(6)) >= 0, "ended after " + lasted);
            assertTrue(ended.getLong("video.framesSent") > 0, ended.prettify());
            assertEquals(0, PrometheusMetrics.value(ACTIVE, ""), "the server peer is released");
            assertEquals(1, PrometheusMetrics.value("parley_echo_sessions_ended_total", "reason=\"time_limit\""));
        }
    }
}
