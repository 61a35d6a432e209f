package io.parley.testsupport;

import io.parley.stack.Postgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a Quarkus test at the shared real PostgreSQL; the init argument {@code database} picks one of
 * {@link SharedInfrastructure#DATABASES}: each owner of a schema has its own, since one PostgreSQL serves the build.
 */
public final class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.get("database");
        if (database == null || !SharedInfrastructure.DATABASES.contains(database)) {
            throw new IllegalArgumentException("PostgresResource needs initArgs database, one of "
                    + SharedInfrastructure.DATABASES + "; got " + database);
        }
    }

    @Override
    public Map<String, String> start() {
        Postgres postgres = SharedInfrastructure.postgres();
        return Map.of(
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(database),
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(database),
                "quarkus.datasource.username", Postgres.USER,
                "quarkus.datasource.password", Postgres.PASSWORD);
    }

    @Override
    public void stop() {
        // Shared across test classes; stopped when the test JVM exits.
    }
}
