package io.parley.presence.kafka;

import io.parley.event.Topics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;

/**
 * Makes sure the topics this service owns exist and are compacted before anything is published to them:
 * a broker that auto-creates topics would otherwise create them on first write with time-based
 * retention, and the latest presence or profile of a quiet user would eventually be deleted.
 * Kafka may start after this service, so it keeps trying in the background until it succeeds.
 */
@ApplicationScoped
public class CompactedTopics {

    /** Topics of latest-value-per-key records that presence-service produces. */
    public static final List<String> OWNED = List.of(Topics.PRESENCE, Topics.USERS);

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaClients clients;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile Cancellable attempts;

    public CompactedTopics(KafkaClients clients) {
        this.clients = clients;
    }

    void onStart(@Observes StartupEvent event) {
        attempts = Uni.createFrom().item(this::ensureOwned)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> Log.warnf("kafka: cannot create compacted topics %s yet (%s); nothing is "
                        + "published and presence is not ready until this works, retrying", OWNED, e.toString()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(15)).indefinitely()
                .subscribe().with(done -> {
                    Log.infof("kafka: topics %s exist and are compacted", OWNED);
                    ready.complete(null);
                });
    }

    void onStop(@Observes ShutdownEvent event) {
        Cancellable running = attempts;
        if (running != null) {
            running.cancel();
        }
    }

    /** Completes once every owned topic exists with {@code cleanup.policy=compact}. */
    public CompletionStage<Void> ready() {
        return ready;
    }

    public boolean isReady() {
        return ready.isDone();
    }

    private boolean ensureOwned() {
        try {
            ensure(OWNED);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
        }
    }

    /** Creates the missing topics compacted and makes existing ones compacted; safe to repeat. */
    void ensure(Collection<String> topics) throws InterruptedException, ExecutionException, TimeoutException {
        Admin admin = clients.admin("presence-topics");
        try {
            io.parley.kafka.CompactedTopics.ensure(admin, topics, ADMIN_TIMEOUT);
        } finally {
            // A timed-out request stays pending until Kafka's own API timeout; do not wait for it to retry.
            admin.close(Duration.ofSeconds(5));
        }
    }
}
