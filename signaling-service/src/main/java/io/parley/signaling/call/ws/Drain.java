package io.parley.signaling.call.ws;

import io.parley.protocol.EnvelopeWriter;
import io.parley.protocol.signaling.SignalingEvents;
import io.parley.signaling.SignalingConfig;
import io.parley.signaling.call.service.SessionService;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Graceful drain (docs/protocol.md, "Sessions and resume"): when the instance is asked to stop (SIGTERM), it is no
 * longer ready, refuses new sockets, tells its clients to {@code reconnect} (they resume on another instance),
 * waits up to the drain timeout for them to go, then detaches the sessions still here and leaves, so that the
 * other instances need not wait for its heartbeats to stop.
 */
@ApplicationScoped
public class Drain {

    /** The close code of a socket opened while the instance drains: reconnect elsewhere. */
    public static final short SERVICE_RESTART = 1012;

    private final ConnectionRegistry connections;
    private final SessionService sessions;
    private final EnvelopeWriter messages;
    private final SignalingConfig config;
    private volatile boolean draining;

    public Drain(ConnectionRegistry connections, SessionService sessions, EnvelopeWriter messages, SignalingConfig config) {
        this.connections = connections;
        this.sessions = sessions;
        this.messages = messages;
        this.config = config;
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Quarkus fires this first when asked to stop ({@code quarkus.shutdown.delay-enabled}), while the HTTP server
     * still serves the sockets; the shutdown waits for this observer.
     */
    void onStop(@Observes ShutdownDelayInitiatedEvent event) {
        draining = true;
        int open = connections.all().size();
        long started = System.nanoTime();
        if (open > 0) {
            Log.infof("draining: asking %d signaling clients to reconnect to another instance (waiting up to %d s)", open,
                    config.drainTimeout().toSeconds());
            String reconnect = messages.event(SignalingEvents.RECONNECT, new SignalingEvents.Reconnect("draining"));
            connections.all().forEach(connection -> connection.deliver(reconnect));
            long deadline = started + config.drainTimeout().toNanos();
            while (!connections.all().isEmpty() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        int stayed = connections.all().size();
        try {
            VertxContextSupport.subscribeAndAwait(sessions::leave);
        } catch (Throwable e) {
            Log.warnf("draining: could not detach this instance's sessions (the others will, when its heartbeats stop): %s",
                    e.getMessage());
        }
        Log.infof("drained in %d ms: %d of %d clients moved, %d sessions left to resume elsewhere",
                Duration.ofNanos(System.nanoTime() - started).toMillis(), open - stayed, open, stayed);
    }

    /** Not ready while draining, so that load balancers send new sockets elsewhere. */
    @org.eclipse.microprofile.health.Readiness
    @ApplicationScoped
    static class DrainReadiness implements HealthCheck {

        private final Drain drain;

        DrainReadiness(Drain drain) {
            this.drain = drain;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("signaling drain").status(!drain.draining())
                    .withData("draining", drain.draining()).build();
        }
    }
}
