package io.parley.testsupport;

import io.parley.stack.KafkaBroker;
import io.parley.stack.Keycloak;
import io.parley.stack.Ports;
import io.parley.stack.Postgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The real servers shared by all tests in one JVM: each starts on first use, on free loopback ports with
 * throw-away storage, and stops when the JVM exits.
 */
public final class SharedInfrastructure {

    /** Databases every service's tests may use; created once when PostgreSQL starts. */
    public static final List<String> DATABASES = List.of("signaling", "notification", "admin", "presence", "keycloak",
            "test");

    private static KafkaBroker kafka;
    private static Postgres postgres;
    private static TestOidcIssuer oidc;
    private static Keycloak keycloak;
    private static Path root;

    private SharedInfrastructure() {
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            Path dir = root().resolve("kafka");
            kafka = KafkaBroker.start(dir, Ports.free(), Ports.free(), root().resolve("logs/kafka.log"), null)
                    .awaitReady(Duration.ofSeconds(90));
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "stop-test-kafka"));
        }
        return kafka;
    }

    public static synchronized Postgres postgres() {
        if (postgres == null) {
            Path cache = io.parley.stack.StackPaths.cacheDir().resolve("postgres");
            postgres = Postgres.start(root().resolve("postgres"), cache, Ports.free(), true, DATABASES,
                    root().resolve("logs/postgres.log"), null);
            Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "stop-test-postgres"));
        }
        return postgres;
    }

    public static synchronized TestOidcIssuer oidc() {
        if (oidc == null) {
            oidc = TestOidcIssuer.start();
            Runtime.getRuntime().addShutdownHook(new Thread(oidc::close, "stop-test-oidc"));
        }
        return oidc;
    }

    /**
     * A real Keycloak with the demo realm (deploy/keycloak/parley-realm.json), data in the shared
     * PostgreSQL. Slow to start (about 10 s warm, a minute the first time it is unpacked): use it where the
     * test needs Keycloak itself (login pages, its admin API), and {@link #oidc()} elsewhere.
     */
    public static synchronized Keycloak keycloak() {
        if (keycloak == null) {
            Path project = Path.of(System.getProperty("parley.project.dir", "..")).toAbsolutePath().normalize();
            keycloak = Keycloak.start(io.parley.stack.StackPaths.cacheDir(),
                    project.resolve("deploy/keycloak/parley-realm.json"), postgres(), "keycloak", Ports.free(),
                    root().resolve("logs/keycloak.log"), null).awaitReady(Duration.ofMinutes(5));
            Runtime.getRuntime().addShutdownHook(new Thread(keycloak::close, "stop-test-keycloak"));
        }
        return keycloak;
    }

    private static Path root() {
        if (root == null) {
            try {
                Path target = Path.of("target");
                root = Files.createTempDirectory(Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir")),
                        "parley-test-infra-").toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }
}
