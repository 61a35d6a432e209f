package io.parley.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points a Quarkus test's OIDC bearer-token checks at the shared test issuer. */
public final class OidcResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.oidc.auth-server-url", SharedInfrastructure.oidc().issuer());
    }

    @Override
    public void stop() {
        // Shared across test classes; stopped when the test JVM exits.
    }
}
