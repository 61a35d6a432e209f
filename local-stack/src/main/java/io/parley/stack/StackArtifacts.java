package io.parley.stack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where Maven put the third-party servers (Kafka broker jars, Keycloak zip), as recorded by stack-artifacts. */
public final class StackArtifacts {

    private StackArtifacts() {
    }

    /** The Kafka broker's classpath, plus the jar (or folder) holding the parent watchdog. */
    public static String kafkaBrokerClasspath() {
        return watchdogClasspath() + java.io.File.pathSeparator + resource("kafka-broker.classpath");
    }

    /** The Keycloak distribution zip in the local Maven repository. */
    public static Path keycloakDistribution() {
        Path zip = Path.of(resource("keycloak-distribution.path"));
        if (!Files.isRegularFile(zip)) {
            throw new StartupException("keycloak", "distribution zip missing at " + zip
                    + "; run ./mvnw -pl stack-artifacts install to download it", null);
        }
        return zip;
    }

    /** The classpath entry that contains {@code io.parley.stack.child.ParentWatchdog}. */
    public static String watchdogClasspath() {
        try {
            return Path.of(io.parley.stack.child.ParentWatchdog.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resource(String name) {
        try (InputStream in = StackArtifacts.class.getResourceAsStream("/io/parley/stack/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource io/parley/stack/" + name
                        + " missing: build the stack-artifacts module first");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a resource of stack-artifacts to a file, for programs that want a path. */
    static Path copyResource(String name, Path target) {
        try (InputStream in = StackArtifacts.class.getResourceAsStream("/io/parley/stack/" + name)) {
            Files.createDirectories(target.getParent());
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
