package io.parley.media.echo.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.protocol.ApiException;
import io.parley.media.echo.EchoMetrics;
import io.parley.media.echo.config.EchoConfig;
import io.parley.media.echo.health.EchoPeerHealthCheck;
import java.time.Clock;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** What callers and the readiness check see when the echo peer cannot run: no crash, a clear 503. */
class EchoSessionsIT {

    private static final String OFFER = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";

    private final RecordingEchoMetrics metrics = new RecordingEchoMetrics();

    @Test
    void nativeLibraryThatFailsToLoadMakesEchoUnavailableAndReadinessDown() {
        EchoSessions sessions = new EchoSessions(config(true), metrics, settings -> {
            throw new IllegalStateException("the native WebRTC library did not load: UnsatisfiedLinkError: no libwebrtc");
        }, Clock.systemUTC());
        sessions.start();

        ApiException refused = assertThrows(ApiException.class, () -> sessions.start("alice", OFFER));
        assertEquals(503, refused.status());
        assertEquals("ECHO_UNAVAILABLE", refused.code());
        assertEquals(List.of(EchoMetrics.Refusal.UNAVAILABLE), metrics.refusals);

        HealthCheckResponse health = new EchoPeerHealthCheck(sessions).call();
        assertEquals(HealthCheckResponse.Status.DOWN, health.getStatus());
        assertTrue(health.getData().orElseThrow().get("problem").toString().contains("UnsatisfiedLinkError"),
                health.getData().toString());
        sessions.stop();
    }

    @Test
    void disabledEchoRefusesCallsButStaysReady() {
        EchoSessions sessions = new EchoSessions(config(false), metrics, settings -> {
            throw new AssertionError("a disabled echo must not load the native library");
        }, Clock.systemUTC());
        sessions.start();

        ApiException refused = assertThrows(ApiException.class, () -> sessions.start("alice", OFFER));
        assertEquals("ECHO_UNAVAILABLE", refused.code());
        HealthCheckResponse health = new EchoPeerHealthCheck(sessions).call();
        assertEquals(HealthCheckResponse.Status.UP, health.getStatus());
        assertFalse((Boolean) health.getData().orElseThrow().get("enabled"));
        sessions.stop();
    }

    private static EchoConfig config(boolean enabled) {
        return new TestEchoConfig(enabled, 2, EchoConfig.Isolation.IN_PROCESS, 50, "");
    }
}
