package io.parley.signaling.directory;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the directory view has read users and presence: before that every callee looks unknown. */
@Readiness
@ApplicationScoped
public class DirectoryReadiness implements HealthCheck {

    private final DirectoryView directory;

    public DirectoryReadiness(DirectoryView directory) {
        this.directory = directory;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("directory view").status(directory.caughtUp())
                .withData("users", directory.knownUsers()).build();
    }
}
