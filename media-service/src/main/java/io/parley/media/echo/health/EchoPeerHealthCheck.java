package io.parley.media.echo.health;

import io.parley.media.echo.service.EchoSessions;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check "Echo test peer": UP while the native WebRTC library is loaded and calls can be answered (a full
 * house is still ready: callers get a clear busy answer), DOWN when the library failed to load.
 */
@Readiness
@Singleton
public class EchoPeerHealthCheck implements HealthCheck {

    public static final String NAME = "Echo test peer";

    private final EchoSessions sessions;

    public EchoPeerHealthCheck(EchoSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public HealthCheckResponse call() {
        EchoSessions.Status status = sessions.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("enabled", status.enabled());
        if (!status.enabled()) {
            // A service told not to answer echo calls is still ready for everything else it does.
            return response.up().build();
        }
        if (!status.available()) {
            return response.down().withData("problem", String.valueOf(status.problem())).build();
        }
        return response.up()
                .withData("activeSessions", status.activeSessions())
                .withData("maxSessions", status.maxSessions())
                .build();
    }
}
