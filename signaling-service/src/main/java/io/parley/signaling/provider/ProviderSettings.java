package io.parley.signaling.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.event.Topics;
import io.parley.event.settings.SettingsChanged;
import io.parley.kafka.client.KafkaClientSettings;
import io.parley.kafka.view.CompactedTopicView;
import io.parley.signaling.SignalingConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Which call providers accept calls, as administrators set them (admin-service publishes
 * {@code parley.settings}): a change applies to the next call, without a restart. Until admin-service has
 * published anything, the providers configured in {@code parley.signaling.providers} are enabled.
 */
@ApplicationScoped
public class ProviderSettings {

    private final CompactedTopicView<SettingsChanged> settings;
    private final SignalingConfig config;

    public ProviderSettings(KafkaClientSettings kafka, ObjectMapper json, SignalingConfig config) {
        this.config = config;
        this.settings = new CompactedTopicView<>(kafka, Topics.SETTINGS, "signaling-settings", text -> {
            try {
                return json.readValue(text, SettingsChanged.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    void start(@Observes StartupEvent event) {
        settings.start();
    }

    void stop(@Observes ShutdownEvent event) {
        settings.close();
    }

    /** Whether a call may use {@code provider} now. */
    public boolean enabled(String provider) {
        SettingsChanged current = settings.get(SettingsChanged.KEY);
        return current == null ? config.providers().contains(provider) : current.providerEnabled(provider);
    }

    /** True once the settings topic was read up to where it stood at start. */
    public boolean caughtUp() {
        return settings.caughtUp();
    }

    /** The view of {@code parley.settings}, for readiness. */
    public CompactedTopicView<SettingsChanged> view() {
        return settings;
    }
}
