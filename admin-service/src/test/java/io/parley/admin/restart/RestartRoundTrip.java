package io.parley.admin.restart;

import static io.parley.admin.AdminApi.CLIENT_CONFIG;
import static io.parley.admin.AdminApi.PROVIDERS;
import static io.parley.admin.AdminApi.WEBRTC;
import static io.parley.admin.AdminApi.settings;
import static io.parley.admin.AdminApi.turn;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.admin.AdminApi;
import io.parley.admin.settings.service.StartupAnnouncement;
import io.parley.event.Topics;
import io.parley.event.settings.SettingsChanged;
import io.parley.testsupport.KafkaTestClient;
import io.parley.testsupport.SharedInfrastructure;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Settings survive a restart. Two test classes run this, each with its own profile, so Quarkus starts the
 * service afresh for each, against the same database ({@code test}, which no other test class uses, so nothing
 * else changes it in between). Each one checks that what the class before it left is what it reads now, then
 * changes the settings and leaves the new state for the class after it: whatever order they run in, the second
 * proves the first one's change survived the restart. Both also check the change reached the database rows.
 * The profile also moves the administrators' group, proving {@code parley.admin.group} is honoured.
 */
abstract class RestartRoundTrip {

    static final String GROUP = "/ops/parley-admins";
    private static final String LEFT_BEHIND = "admin-test.settings-before-restart";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Moves the administrators' group; each subclass names its own profile so each gets a fresh start. */
    abstract static class MovedAdminGroup implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.admin.group", GROUP);
        }
    }

    @Inject
    StartupAnnouncement announcement;

    @Inject
    DataSource database;

    @Test
    void settingsSavedBeforeARestartAreReadAfterIt() throws Exception {
        String leftBehind = System.getProperty(LEFT_BEHIND);
        if (leftBehind != null) {
            assertEquals(leftBehind, state(), "the settings the previous start saved");
        }
        long version = asOps().get(CLIENT_CONFIG).then().statusCode(200).extract().jsonPath().getLong("version");
        await().atMost(TIMEOUT).until(() -> announcement.announcedEventId() != null);
        KafkaTestClient.await(Topics.SETTINGS, SettingsChanged.class,
                e -> e.eventId().equals(announcement.announcedEventId()) && e.version() == version, 1, TIMEOUT);

        String marker = "restart-" + UUID.randomUUID();
        Map<String, Object> body = settings(AdminApi.as(opsToken()).get(WEBRTC).then().statusCode(200).extract()
                .jsonPath().getLong("version"), List.of(turn(marker, "restart-credential", "turn:restart.example.org")));
        asOps().body(body).put(WEBRTC).then().statusCode(200);
        var webrtc = asOps().get(PROVIDERS).then().statusCode(200).extract().jsonPath();
        boolean enabled = !webrtc.getBoolean("find { it.id == 'webrtc' }.enabled");
        asOps().body(Map.of("enabled", enabled, "version", webrtc.getLong("find { it.id == 'webrtc' }.version")))
                .put(PROVIDERS + "/webrtc").then().statusCode(200);

        try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
            try (ResultSet row = sql.executeQuery("select ice_servers from webrtc_settings where id = 1")) {
                assertTrue(row.next());
                assertTrue(row.getString(1).contains(marker), row.getString(1));
            }
            try (ResultSet row = sql.executeQuery("select enabled from providers where id = 'webrtc'")) {
                assertTrue(row.next());
                assertEquals(enabled, row.getBoolean(1));
            }
            try (ResultSet row = sql.executeQuery("select version from settings_revision where id = 1")) {
                assertTrue(row.next());
                assertEquals(version + 2, row.getLong(1));
            }
        }
        System.setProperty(LEFT_BEHIND, state());
    }

    @Test
    void theAdministratorsGroupComesFromConfiguration() {
        asOps().get(PROVIDERS).then().statusCode(200);
        AdminApi.asAdmin().get(PROVIDERS).then().statusCode(403);
        AdminApi.asAdmin().get(CLIENT_CONFIG).then().statusCode(200);
    }

    /** What administrators read: the WebRTC settings and the providers. */
    private static String state() {
        return asOps().get(WEBRTC).then().statusCode(200).extract().asString() + "\n"
                + asOps().get(PROVIDERS).then().statusCode(200).extract().asString();
    }

    private static String opsToken() {
        return SharedInfrastructure.oidc().accessToken("ops", GROUP);
    }

    private static RequestSpecification asOps() {
        return AdminApi.as(opsToken());
    }
}
