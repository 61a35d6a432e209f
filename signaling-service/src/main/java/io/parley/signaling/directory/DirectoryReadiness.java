package io.parley.signaling.directory;

import io.parley.kafka.view.CompactedTopicView;
import io.parley.signaling.provider.ProviderSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until the views of users, presence and settings are read, nor while Kafka does not answer them:
 * before that every callee would look unknown and a disabled provider enabled. Says per topic why not.
 */
@Readiness
@ApplicationScoped
public class DirectoryReadiness implements HealthCheck {

    public static final String NAME = "directory view";

    private final DirectoryView directory;
    private final ProviderSettings providers;

    public DirectoryReadiness(DirectoryView directory, ProviderSettings providers) {
        this.directory = directory;
        this.providers = providers;
    }

    @Override
    public HealthCheckResponse call() {
        List<CompactedTopicView<?>> views = new ArrayList<>(directory.views());
        views.add(providers.view());
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .status(views.stream().allMatch(view -> view.status().ready()))
                .withData("users", directory.knownUsers());
        views.forEach(view -> response.withData(view.topic(), view.status().reason()));
        return response.build();
    }
}
