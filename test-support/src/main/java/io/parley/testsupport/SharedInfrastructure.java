package io.parley.testsupport;

import io.parley.stack.KafkaBroker;
import io.parley.stack.Keycloak;
import io.parley.stack.Ports;
import io.parley.stack.Postgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * The real servers shared by all tests in one JVM, and by every test JVM of a Maven build where the build allows
 * it ({@link InfrastructureHost}: Kafka, PostgreSQL and the OIDC issuer): each starts on first use, on free
 * loopback ports with throw-away storage, and stops when the JVM (or, shared, the build) exits.
 *
 * <p>Quarkus loads each test class's resources in a class loader of its own, so static fields alone would
 * start a new broker per test class. Whoever starts a server records where it listens in a system
 * property (one per JVM, whatever the class loader); later class loaders attach to it.
 */
public final class SharedInfrastructure {

    /**
     * Databases the tests use, one per owner (each applies its own Flyway migrations, and one PostgreSQL serves
     * every module of a build); created once when PostgreSQL starts.
     */
    public static final List<String> DATABASES = List.of("signaling", "notification", "admin", "presence", "keycloak",
            "outbox", "admin_restart", "self_test");

    private static final String KAFKA = "parley.test.kafka";
    private static final String POSTGRES = "parley.test.postgres";
    private static final String OIDC = "parley.test.oidc";
    private static final String KEYCLOAK = "parley.test.keycloak";
    /** One lock for every class loader: the JVM's system properties. */
    private static final Properties JVM = System.getProperties();

    private static KafkaBroker kafka;
    private static Postgres postgres;
    private static TestOidcIssuer oidc;
    private static Keycloak keycloak;
    private static Path root;
    /** This JVM is the build's infrastructure host: it starts the servers instead of attaching to itself. */
    private static boolean host;

    private SharedInfrastructure() {
    }

    public static KafkaBroker kafka() {
        synchronized (JVM) {
            joinBuild();
            if (kafka == null) {
                String running = System.getProperty(KAFKA);
                if (running != null) {
                    kafka = KafkaBroker.attach(running);
                } else {
                    kafka = KafkaBroker.start(root().resolve("kafka"), Ports.free(), Ports.free(),
                            root().resolve("logs/kafka.log"), null).awaitReady(Duration.ofSeconds(90));
                    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "stop-test-kafka"));
                    System.setProperty(KAFKA, kafka.bootstrapServers());
                }
            }
            return kafka;
        }
    }

    public static Postgres postgres() {
        synchronized (JVM) {
            joinBuild();
            if (postgres == null) {
                String running = System.getProperty(POSTGRES);
                if (running != null) {
                    postgres = Postgres.attach(Integer.parseInt(running));
                } else {
                    Path cache = io.parley.stack.StackPaths.cacheDir().resolve("postgres");
                    postgres = Postgres.start(root().resolve("postgres"), cache, Ports.free(), true, DATABASES,
                            root().resolve("logs/postgres.log"), null);
                    Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "stop-test-postgres"));
                    System.setProperty(POSTGRES, Integer.toString(postgres.port()));
                }
            }
            return postgres;
        }
    }

    public static TestOidcIssuer oidc() {
        synchronized (JVM) {
            joinBuild();
            if (oidc == null) {
                String running = System.getProperty(OIDC);
                if (running != null) {
                    String[] parts = running.split(",");
                    oidc = TestOidcIssuer.attach(Integer.parseInt(parts[0]), keyPair(parts[1], parts[2]),
                            keyPair(parts[3], parts[4]));
                } else {
                    oidc = TestOidcIssuer.start();
                    Runtime.getRuntime().addShutdownHook(new Thread(oidc::close, "stop-test-oidc"));
                    System.setProperty(OIDC, String.join(",", Integer.toString(oidc.port()), encode(oidc.keys()),
                            encode(oidc.strangerKeys())));
                }
            }
            return oidc;
        }
    }

    /**
     * A real Keycloak with the demo realm (deploy/keycloak/parley-realm.json), data in the shared
     * PostgreSQL. Slow to start (about 10 s warm, a minute the first time it is unpacked): use it where the
     * test needs Keycloak itself (login pages, its admin API), and {@link #oidc()} elsewhere.
     */
    public static Keycloak keycloak() {
        synchronized (JVM) {
            if (keycloak == null) {
                String running = System.getProperty(KEYCLOAK);
                if (running != null) {
                    keycloak = Keycloak.attach(Integer.parseInt(running));
                } else {
                    Path project = Path.of(System.getProperty("parley.project.dir", "..")).toAbsolutePath().normalize();
                    keycloak = Keycloak.start(io.parley.stack.StackPaths.cacheDir(),
                            project.resolve("deploy/keycloak/parley-realm.json"), postgres(), "keycloak", Ports.free(),
                            root().resolve("logs/keycloak.log"), null).awaitReady(Duration.ofMinutes(5));
                    Runtime.getRuntime().addShutdownHook(new Thread(keycloak::close, "stop-test-keycloak"));
                    System.setProperty(KEYCLOAK, Integer.toString(keycloak.port()));
                }
            }
            return keycloak;
        }
    }

    /**
     * Attaches this JVM to its build's infrastructure host, starting the host if there is none, unless the build
     * does not share ({@link InfrastructureHost#FILE} unset or {@code none}) or this JVM already knows where the
     * servers are (another class loader attached first).
     */
    private static void joinBuild() {
        String file = System.getProperty(InfrastructureHost.FILE, "");
        if (host || file.isBlank() || file.equals("none") || System.getProperty(KAFKA) != null) {
            return;
        }
        Properties addresses = InfrastructureHost.attachOrStart(Path.of(file));
        for (String key : List.of(KAFKA, POSTGRES, OIDC)) {
            System.setProperty(key, addresses.getProperty(key));
        }
    }

    /** Starts the servers a build shares, in the host's JVM, and returns where they listen. */
    static Properties startForBuild() {
        synchronized (JVM) {
            host = true;
        }
        kafka();
        postgres();
        oidc();
        Properties addresses = new Properties();
        for (String key : List.of(KAFKA, POSTGRES, OIDC)) {
            addresses.setProperty(key, System.getProperty(key));
        }
        return addresses;
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

    private static String encode(KeyPair keys) {
        Base64.Encoder b64 = Base64.getEncoder();
        return b64.encodeToString(keys.getPrivate().getEncoded()) + "," + b64.encodeToString(keys.getPublic().getEncoded());
    }

    private static KeyPair keyPair(String privateKey, String publicKey) {
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            Base64.Decoder b64 = Base64.getDecoder();
            return new KeyPair(rsa.generatePublic(new X509EncodedKeySpec(b64.decode(publicKey))),
                    rsa.generatePrivate(new PKCS8EncodedKeySpec(b64.decode(privateKey))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
