package io.parley.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * A real PostgreSQL server from the binaries zonky ships in Maven jars, bound to 127.0.0.1, with one
 * database per service. The data directory is kept between starts unless the caller asks for a clean one.
 */
public final class Postgres implements AutoCloseable {

    public static final String NAME = "postgresql";
    public static final String USER = "postgres";
    /** The embedded server trusts local connections; drivers still want a password, any will do. */
    public static final String PASSWORD = "postgres";

    private final EmbeddedPostgres server;
    private final int port;
    private final Path dataDir;
    private final Path pidFile;

    private Postgres(EmbeddedPostgres server, int port, Path dataDir, Path pidFile) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.pidFile = pidFile;
    }

    /** A handle on a server that runs already: gives its URLs, and does not stop it on close. */
    public static Postgres attach(int port) {
        return new Postgres(null, port, null, null);
    }

    /**
     * Starts PostgreSQL on {@code port}, creating {@code databases} when missing. Blocks until the server
     * accepts connections.
     */
    public static Postgres start(Path dataDir, Path binariesDir, int port, boolean clean, List<String> databases,
            Path log, Path pidDir) {
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(binariesDir);
            Files.createDirectories(log.getParent());
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(clean)
                    .setOverrideWorkingDirectory(binariesDir.toFile())
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "32MB")
                    .setServerConfig("fsync", clean ? "off" : "on")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Path pidFile = null;
            if (pidDir != null) {
                Files.createDirectories(pidDir);
                pidFile = pidDir.resolve(NAME + ".pid");
                Files.writeString(pidFile, Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            }
            Postgres postgres = new Postgres(server, server.getPort(), dataDir, pidFile);
            postgres.createDatabases(databases);
            return postgres;
        } catch (IOException | RuntimeException e) {
            throw new StartupException(NAME, "did not start: " + e.getMessage(), log);
        }
    }

    private void createDatabases(List<String> databases) {
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            for (String database : databases) {
                try (ResultSet rs = statement.executeQuery(
                        "select 1 from pg_database where datname = '" + database.replace("'", "") + "'")) {
                    if (rs.next()) {
                        continue;
                    }
                }
                statement.execute("create database \"" + database.replace("\"", "") + "\"");
            }
        } catch (SQLException e) {
            throw new StartupException(NAME, "could not create databases " + databases + ": " + e.getMessage(), null);
        }
    }

    public int port() {
        return port;
    }

    /** A JDBC URL for {@code database}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** A Vert.x reactive client URL for {@code database}. */
    public String reactiveUrl(String database) {
        return "postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        try {
            server.close();
            if (pidFile != null) {
                Files.deleteIfExists(pidFile);
            }
        } catch (IOException e) {
            throw new IllegalStateException("stopping PostgreSQL failed", e);
        }
    }
}
