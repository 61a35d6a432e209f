package io.parley.kafka.topic;

import io.parley.kafka.client.KafkaClientSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

/**
 * Creates the topics this service produces ({@code parley.kafka.owned-topics}) at start, as
 * {@link TopicSpecs} describes them, before anything is published to them. Kafka may be away when the
 * service starts, so it keeps trying in the background until every topic exists; publishers wait for
 * {@link #ready(String)}.
 */
@ApplicationScoped
public class OwnedTopics {

    private static final Logger LOG = Logger.getLogger(OwnedTopics.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(10);

    private final KafkaClientSettings kafka;
    private final short replicationFactor;
    private final Map<TopicSpec, CompletableFuture<Void>> topics = new LinkedHashMap<>();
    private final ScheduledExecutorService attempts = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "kafka-owned-topics");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String problem = "not tried yet";

    public OwnedTopics(KafkaClientSettings kafka, KafkaTopicsConfig config) {
        this.kafka = kafka;
        this.replicationFactor = config.replicationFactor();
        for (String name : config.ownedTopics().orElse(List.of())) {
            topics.put(TopicSpecs.named(name), new CompletableFuture<>());
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (!topics.isEmpty()) {
            attempts.execute(() -> attempt(FIRST_RETRY));
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        attempts.shutdownNow();
    }

    /** Completes once topic {@code name} exists as its spec says; {@code name} must be one this service owns. */
    public CompletionStage<Void> ready(String name) {
        return future(name).minimalCompletionStage();
    }

    /** Whether {@code name} is one of this service's topics ({@code parley.kafka.owned-topics}). */
    public boolean owns(String name) {
        return topics.keySet().stream().anyMatch(spec -> spec.name().equals(name));
    }

    public boolean isReady(String name) {
        return future(name).isDone();
    }

    /** True once every owned topic exists. */
    public boolean allReady() {
        return topics.values().stream().allMatch(CompletableFuture::isDone);
    }

    /** Each owned topic and where it stands, for readiness. */
    public Map<String, String> status() {
        Map<String, String> status = new LinkedHashMap<>();
        topics.forEach((spec, ready) -> status.put(spec.name(), ready.isDone() ? "created" : problem));
        return status;
    }

    private CompletableFuture<Void> future(String name) {
        return topics.entrySet().stream().filter(e -> e.getKey().name().equals(name)).findFirst()
                .map(Map.Entry::getValue)
                .orElseThrow(() -> new IllegalArgumentException(name + " is not in parley.kafka.owned-topics "
                        + topics.keySet().stream().map(TopicSpec::name).toList()));
    }

    private void attempt(Duration backoff) {
        try {
            ensureMissing();
            LOG.infof("kafka: topics %s exist as specified", status().keySet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            problem = "not created yet: " + cause;
            LOG.warnf("kafka: cannot create topics %s yet (%s); nothing is published to them until this works, "
                    + "retrying in %d s", status().keySet(), cause, backoff.toSeconds());
            Duration next = backoff.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : backoff.multipliedBy(2);
            if (!attempts.isShutdown()) {
                attempts.schedule(() -> attempt(next), backoff.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void ensureMissing() throws InterruptedException, ExecutionException, TimeoutException {
        Admin admin = Admin.create(kafka.admin("owned-topics"));
        try {
            for (Map.Entry<TopicSpec, CompletableFuture<Void>> topic : topics.entrySet()) {
                if (!topic.getValue().isDone()) {
                    TopicCreator.ensure(admin, topic.getKey(), replicationFactor, ADMIN_TIMEOUT);
                    topic.getValue().complete(null);
                }
            }
        } finally {
            // A timed-out request stays pending until Kafka's own API timeout; do not wait for it to retry.
            admin.close(Duration.ofSeconds(5));
        }
    }
}
