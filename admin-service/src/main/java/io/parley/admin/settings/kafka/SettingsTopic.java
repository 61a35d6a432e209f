package io.parley.admin.settings.kafka;

import io.parley.event.Topics;
import io.parley.kafka.CompactedTopics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;

/**
 * Makes sure {@code parley.settings} exists and is compacted before anything is published to it: a broker that
 * auto-creates topics would otherwise create it on first write with time-based retention, and the settings of
 * a quiet month would be deleted. Safe to repeat and to race with other instances. Kafka may start after this
 * service, so it keeps trying in the background; nothing is published until it succeeded.
 */
@ApplicationScoped
public class SettingsTopic {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);

    private final Map<String, Object> kafka;
    private volatile boolean ready;
    private volatile Cancellable attempts;

    public SettingsTopic(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    void onStart(@Observes StartupEvent event) {
        attempts = Uni.createFrom().item(this::ensureCompacted)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().invoke(e -> Log.warnf("kafka: cannot create the compacted topic %s yet (%s); settings "
                        + "events wait in the outbox, retrying", Topics.SETTINGS, e.toString()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(15)).indefinitely()
                .subscribe().with(done -> {
                    ready = true;
                    Log.infof("kafka: topic %s exists and is compacted", Topics.SETTINGS);
                });
    }

    void onStop(@Observes ShutdownEvent event) {
        Cancellable running = attempts;
        if (running != null) {
            running.cancel();
        }
    }

    /** True once the topic exists with {@code cleanup.policy=compact}. */
    public boolean isReady() {
        return ready;
    }

    private boolean ensureCompacted() {
        try (Admin admin = Admin.create(adminConfig())) {
            CompactedTopics.ensure(admin, List.of(Topics.SETTINGS), ADMIN_TIMEOUT);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
        }
    }

    /** The shared {@code kafka.*} settings an admin client understands (others would each log a warning). */
    private Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "admin-settings-topic");
        return config;
    }
}
