package io.parley.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Keycloak from its distribution zip (resolved from Maven Central), unpacked once into the cache, run in
 * development mode with its data in PostgreSQL and the {@code parley} realm imported on first start.
 */
public final class Keycloak implements AutoCloseable {

    public static final String NAME = "keycloak";
    /** Demo-only credentials of Keycloak's own master-realm administrator in the local stack. */
    public static final String BOOTSTRAP_ADMIN = "admin";

    private final ChildProcess process;
    private final int port;

    private Keycloak(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts Keycloak on 127.0.0.1:{@code port}, storing its data in {@code database} of {@code postgres}
     * and importing {@code realmFile} when the realm does not exist yet.
     */
    public static Keycloak start(Path cacheDir, Path realmFile, Postgres postgres, String database, int port,
            Path log, Path pidDir) {
        Path home = unpack(cacheDir, log);
        try {
            Path imports = home.resolve("data/import");
            Files.createDirectories(imports);
            Files.copy(realmFile, imports.resolve("parley-realm.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StartupException(NAME, "could not stage the realm file: " + e.getMessage(), log);
        }
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--import-realm", "--http-host=127.0.0.1", "--http-port=" + port,
                "--db=postgres", "--db-url=" + postgres.jdbcUrl(database),
                "--db-username=" + Postgres.USER, "--db-password=" + Postgres.PASSWORD,
                "--cache=local", "--health-enabled=false", "--metrics-enabled=false"));
        String javaHome = Path.of(KafkaBroker.javaExecutable()).getParent().getParent().toString();
        Map<String, String> env = Map.of(
                "JAVA_HOME", javaHome,
                "JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m -XX:MaxMetaspaceSize=256m",
                "KC_BOOTSTRAP_ADMIN_USERNAME", BOOTSTRAP_ADMIN,
                "KC_BOOTSTRAP_ADMIN_PASSWORD", BOOTSTRAP_ADMIN);
        return new Keycloak(ChildProcess.start(NAME, command, env, home, log, pidDir), port);
    }

    /** A handle on a Keycloak that runs already on {@code port}: gives its URLs, and does not stop it on close. */
    public static Keycloak attach(int port) {
        return new Keycloak(null, port);
    }

    public int port() {
        return port;
    }

    /** Waits until the realm's OIDC discovery document is served. */
    public Keycloak awaitReady(Duration timeout) {
        Await.until(NAME, timeout, process::alive, () -> Await.http200(issuer() + "/.well-known/openid-configuration"),
                process.log());
        return this;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    /** The {@code parley} realm's issuer URL. */
    public String issuer() {
        return url() + "/realms/parley";
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop(Duration.ofSeconds(20));
        }
    }

    /** True when the distribution is already unpacked (and so has probably been built once). */
    public static boolean unpacked(Path cacheDir) {
        return Files.isExecutable(home(cacheDir).resolve("bin/kc.sh"));
    }

    private static Path home(Path cacheDir) {
        String zip = StackArtifacts.keycloakDistribution().getFileName().toString();
        return cacheDir.resolve(zip.replace(".zip", "").replace("-quarkus-dist", ""));
    }

    private static Path unpack(Path cacheDir, Path log) {
        Path zip = StackArtifacts.keycloakDistribution();
        Path home = home(cacheDir);
        String folder = home.getFileName().toString();
        if (Files.isExecutable(home.resolve("bin/kc.sh"))) {
            return home;
        }
        Path partial = cacheDir.resolve(folder + ".partial");
        try {
            deleteRecursively(partial);
            Files.createDirectories(partial);
            try (InputStream in = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(in)) {
                for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                    // The zip holds one top-level folder (keycloak-<version>/); strip it.
                    String name = entry.getName().substring(entry.getName().indexOf('/') + 1);
                    Path target = partial.resolve(name).normalize();
                    if (!target.startsWith(partial) || name.isEmpty()) {
                        continue;
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(entries, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            for (String script : List.of("bin/kc.sh", "bin/kcadm.sh", "bin/kcreg.sh")) {
                partial.resolve(script).toFile().setExecutable(true);
            }
            Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
            return home;
        } catch (IOException e) {
            throw new StartupException(NAME, "could not unpack " + zip + " into " + cacheDir + ": " + e.getMessage(), log);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
