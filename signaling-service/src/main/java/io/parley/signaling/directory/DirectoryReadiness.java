package io.parley.signaling.directory;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until the views of users, presence and settings are read: before that every callee would look
 * unknown and a disabled provider enabled.
 */
@Readiness
@ApplicationScoped
public class DirectoryReadiness implements HealthCheck {

    private final DirectoryView directory;
    private final io.parley.signaling.provider.ProviderSettings providers;

    public DirectoryReadiness(DirectoryView directory, io.parley.signaling.provider.ProviderSettings providers) {
        this.directory = directory;
        this.providers = providers;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("directory view").status(directory.caughtUp() && providers.caughtUp())
                .withData("users", directory.knownUsers()).build();
    }
}
