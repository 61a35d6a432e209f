package io.parley.media.turn.health;

import io.parley.media.turn.TurnServer;
import io.parley.media.turn.service.TurnRelay;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness check "TURN relay": UP while the relay's UDP/TCP sockets are bound and its event loop runs. */
@Readiness
@Singleton
public class TurnRelayHealthCheck implements HealthCheck {

    public static final String NAME = "TURN relay";

    private final TurnRelay relay;

    public TurnRelayHealthCheck(TurnRelay relay) {
        this.relay = relay;
    }

    @Override
    public HealthCheckResponse call() {
        if (!relay.enabled()) {
            // A service told not to relay is still ready for everything else it does.
            return HealthCheckResponse.named(NAME).up().withData("enabled", false).build();
        }
        Optional<TurnServer> running = relay.running();
        if (running.isEmpty()) {
            return HealthCheckResponse.named(NAME).down().withData("enabled", true).build();
        }
        TurnServer server = running.get();
        return HealthCheckResponse.named(NAME).up()
                .withData("udpPort", server.udpPort())
                .withData("tcpPort", server.tcpPort())
                .withData("activeAllocations", server.activeAllocations())
                .build();
    }
}
