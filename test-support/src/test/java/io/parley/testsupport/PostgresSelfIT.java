package io.parley.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.stack.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Proves the shared test database is a real PostgreSQL: DDL, a write and a read back over JDBC. */
class PostgresSelfIT {

    @Test
    void rowWrittenIsReadBackFromARealPostgresServer() throws Exception {
        Postgres postgres = SharedInfrastructure.postgres();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("self_test"), Postgres.USER,
                Postgres.PASSWORD); Statement statement = connection.createStatement()) {
            statement.execute("create table if not exists self_test (id serial primary key, note text not null)");
            statement.execute("insert into self_test (note) values ('hello parley')");
            try (ResultSet rs = statement.executeQuery("select note, version() from self_test order by id desc limit 1")) {
                assertTrue(rs.next());
                assertEquals("hello parley", rs.getString(1));
                assertTrue(rs.getString(2).startsWith("PostgreSQL"), rs.getString(2));
            }
        }
    }

    @Test
    void everyServiceDatabaseExists() throws Exception {
        Postgres postgres = SharedInfrastructure.postgres();
        for (String database : SharedInfrastructure.DATABASES) {
            try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(database), Postgres.USER,
                    Postgres.PASSWORD); Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("select current_database()")) {
                assertTrue(rs.next());
                assertEquals(database, rs.getString(1));
            }
        }
    }
}
