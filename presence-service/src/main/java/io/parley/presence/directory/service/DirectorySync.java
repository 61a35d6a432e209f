package io.parley.presence.directory.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.event.Topics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps {@code parley.users} complete: reads every user of the realm at start and then every
 * {@code parley.directory.sync-interval}. Signaling learns from that topic which callees exist, so a
 * Keycloak that is not reachable at start does not stop this service: the first sync is retried in the
 * background, with a warning each time, until it succeeds.
 */
@ApplicationScoped
public class DirectorySync {

    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Directory directory;
    private final DirectoryConfig config;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger attempt = new AtomicInteger();
    private volatile Cancellable first;
    private volatile long periodic = -1;

    public DirectorySync(Directory directory, DirectoryConfig config, Vertx vertx, MeterRegistry registry) {
        this.directory = directory;
        this.config = config;
        this.vertx = vertx;
        Gauge.builder("parley.presence.directory.users", directory, Directory::knownUsers)
                .description("Users read from the identity provider").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        first = directory.syncAll()
                .onFailure().invoke(e -> Log.warnf("directory: cannot read the users of realm '%s' from Keycloak at "
                        + "%s (attempt %d: %s); %s stays incomplete and calls to unsynced users fail until this "
                        + "works; retrying in the background", config.realm(), config.keycloakUrl(),
                        attempt.incrementAndGet(), e.toString(), Topics.USERS))
                .onFailure().retry().withBackOff(FIRST_RETRY, MAX_RETRY).indefinitely()
                .subscribe().with(count -> {
                    Log.infof("directory: read %d users of realm '%s' from %s; profiles published to %s", count,
                            config.realm(), config.keycloakUrl(), Topics.USERS);
                    periodic = vertx.setPeriodic(config.syncInterval().toMillis(), id -> syncAgain());
                });
    }

    void onStop(@Observes ShutdownEvent event) {
        Cancellable pending = first;
        if (pending != null) {
            pending.cancel();
        }
        if (periodic >= 0) {
            vertx.cancelTimer(periodic);
        }
    }

    private void syncAgain() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        directory.syncAll().subscribe().with(
                count -> {
                    running.set(false);
                    Log.debugf("directory: periodic sync read %d users", count);
                },
                failure -> {
                    running.set(false);
                    Log.warnf("directory: periodic sync from Keycloak at %s failed (%s); next try in %s",
                            config.keycloakUrl(), failure.toString(), config.syncInterval());
                });
    }
}
