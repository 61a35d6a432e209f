package io.parley.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points a Quarkus test's OIDC settings at the shared real Keycloak (realm {@code parley}). */
public final class KeycloakResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.oidc.auth-server-url", SharedInfrastructure.keycloak().issuer(),
                "parley.test.keycloak-url", SharedInfrastructure.keycloak().url());
    }

    @Override
    public void stop() {
        // Shared across test classes; stopped when the test JVM exits.
    }
}
