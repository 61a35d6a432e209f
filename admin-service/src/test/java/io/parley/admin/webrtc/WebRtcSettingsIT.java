package io.parley.admin.webrtc;

import static io.parley.admin.AdminApi.AUDIT;
import static io.parley.admin.AdminApi.WEBRTC;
import static io.parley.admin.AdminApi.asAdmin;
import static io.parley.admin.AdminApi.settings;
import static io.parley.admin.AdminApi.stun;
import static io.parley.admin.AdminApi.turn;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.admin.AdminApi;
import io.parley.admin.webrtc.model.IceServer;
import io.parley.admin.webrtc.model.WebRtcSettings;
import io.parley.admin.webrtc.service.WebRtcDefaults;
import io.parley.testsupport.PrometheusMetrics;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reading and replacing the WebRTC settings: masking, version checks, validation, audit and metrics. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "admin"))
@WithTestResource(OidcResource.class)
class WebRtcSettingsIT {

    @Inject
    WebRtcDefaults defaults;

    @Test
    void outOfTheBoxClientsGetOneStunServerAndBrowserDefaults() {
        var settings = defaults.settings();
        assertEquals(0, settings.version());
        assertEquals(List.of("stun:stun.l.google.com:19302"), settings.iceServers().get(0).urls());
        assertEquals(List.of("turn:localhost:3478?transport=udp", "turn:localhost:3478?transport=tcp"),
                settings.parleyTurnUrls());
        assertFalse(settings.useParleyTurn());
        assertTrue(defaults.onlyTheDefaultStunServer(settings), "the start-up warning fires for these");
        assertFalse(defaults.onlyTheDefaultStunServer(new WebRtcSettings(1,
                List.of(new IceServer("t", List.of("turn:turn.example.org"), "u", "c", true)), settings.iceTransportPolicy(),
                settings.bundlePolicy(), 0, false, settings.parleyTurnUrls())));
    }

    @Test
    void savedSettingsAreReadBackWithStoredCredentialsMasked() {
        Map<String, Object> body = settings(0, List.of(stun("stun:stun.example.org:3478"),
                turn("parley", "third-party-secret", "turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349")));
        body.put("iceTransportPolicy", "relay");
        body.put("useParleyTurn", true);
        long version = AdminApi.webrtcVersion();
        AdminApi.saveSettings(body);

        asAdmin().get(WEBRTC).then().statusCode(200)
                .body("version", equalTo((int) version + 1))
                .body("iceServers", hasSize(2))
                .body("iceServers[0].keySet()", containsInAnyOrder("id", "urls", "username", "credential", "enabled"))
                .body("iceServers[0].id", notNullValue())
                .body("iceServers[0].credential", nullValue())
                .body("iceServers[1].urls[1]", equalTo("turns:turn.example.org:5349"))
                .body("iceServers[1].username", equalTo("parley"))
                .body("iceServers[1].credential", equalTo(IceServer.MASK))
                .body("iceTransportPolicy", equalTo("relay"))
                .body("bundlePolicy", equalTo("max-bundle"))
                .body("iceCandidatePoolSize", equalTo(2))
                .body("useParleyTurn", equalTo(true))
                .body(not(containsString("third-party-secret")));
    }

    @Test
    void sendingTheMaskBackKeepsTheStoredCredential() {
        AdminApi.saveSettings(settings(0, List.of(turn("parley", "kept-secret", "turn:turn.example.org:3478"))));
        var read = AdminApi.webrtcSettings();
        Map<String, Object> server = new HashMap<>(read.getMap("iceServers[0]"));
        assertEquals(IceServer.MASK, server.get("credential"));
        server.put("username", "renamed");
        asAdmin().body(settings(read.getLong("version"), List.of(server))).put(WEBRTC).then().statusCode(200)
                .body("iceServers[0].credential", equalTo(IceServer.MASK));

        AdminApi.asAlice().get(AdminApi.CLIENT_CONFIG).then().statusCode(200)
                .body("rtcConfiguration.iceServers.find { it.username == 'renamed' }.credential", equalTo("kept-secret"));
    }

    @Test
    void theMaskWithoutAStoredCredentialIsRefused() {
        long version = AdminApi.webrtcVersion();
        asAdmin().body(settings(version, List.of(turn("parley", IceServer.MASK, "turn:turn.example.org:3478"))))
                .put(WEBRTC).then().statusCode(400)
                .body("code", equalTo("INVALID_PAYLOAD"))
                .body("message", containsString("iceServers[0].credential"));
        assertEquals(version, AdminApi.webrtcVersion());
    }

    @Test
    void staleVersionIsAConflictNamingTheCurrentVersionAndStoresNothing() {
        AdminApi.saveSettings(settings(0, List.of(stun("stun:first.example.org"))));
        var current = AdminApi.webrtcSettings();
        long version = current.getLong("version");
        asAdmin().body(settings(version - 1, List.of(stun("stun:second.example.org")))).put(WEBRTC).then()
                .statusCode(409)
                .body("code", equalTo("CONFLICT"))
                .body("message", containsString("current version is " + version))
                .body("correlationId", notNullValue());
        assertEquals(current.prettify(), AdminApi.webrtcSettings().prettify());
    }

    @Test
    void concurrentSavesOfTheSameVersionHaveExactlyOneWinner() throws Exception {
        long version = AdminApi.webrtcVersion();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> saves = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Map<String, Object> body = settings(version, List.of(stun("stun:racer" + i + ".example.org")));
                saves.add(pool.submit(() -> asAdmin().body(body).put(WEBRTC).then().extract().statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> save : saves) {
                statuses.add(save.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(version + 1, AdminApi.webrtcVersion());
    }

    @Test
    void invalidUrlSchemeIsRefusedNamingTheUrl() {
        assertRefused(settings(0, List.of(stun("stun:ok.example.org"), stun("stun:ok2.example.org"),
                stun("stun:ok3.example.org", "http://evil.example.org"))), "iceServers[2].urls[1]");
        assertRefused(settings(0, List.of(stun("stun:host.example.org?transport=udp"))), "iceServers[0].urls[0]");
        assertRefused(settings(0, List.of(stun("turn:"))), "iceServers[0].urls[0]");
        assertRefused(settings(0, List.of(stun("stun:host.example.org:99999"))), "iceServers[0].urls[0]");
    }

    @Test
    void turnWithoutUsernameOrCredentialIsRefused() {
        assertRefused(settings(0, List.of(stun("stun:ok.example.org"), stun("turn:turn.example.org"))),
                "iceServers[1].username", "iceServers[1].credential");
        assertRefused(settings(0, List.of(turn("user", "", "turns:turn.example.org:5349"))), "iceServers[0].credential");
        assertRefused(settings(0, List.of(turn(null, "secret", "turn:turn.example.org"))), "iceServers[0].username");
    }

    @Test
    void moreThanTwentyIceServersAreRefused() {
        assertRefused(settings(0, AdminApi.stunServers(21)), "iceServers: at most 20");
        AdminApi.saveSettings(settings(0, AdminApi.stunServers(20)));
    }

    @Test
    void moreThanTenUrlsPerServerAreRefused() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            urls.add("stun:stun" + i + ".example.org");
        }
        assertRefused(settings(0, List.of(stun(urls.toArray(String[]::new)))), "iceServers[0].urls: at most 10");
        assertRefused(settings(0, List.of(stun())), "iceServers[0].urls");
    }

    @Test
    void stringsOverFiveHundredTwelveCharactersAreRefused() {
        String longHost = "a".repeat(60) + "." + "b".repeat(60) + ".";
        String longUrl = "stun:" + longHost.repeat(5) + "example.org";
        assertTrue(longUrl.length() > 512);
        assertRefused(settings(0, List.of(stun(longUrl))), "iceServers[0].urls[0]: at most 512");
        assertRefused(settings(0, List.of(turn("u".repeat(513), "c", "turn:turn.example.org"))),
                "iceServers[0].username: at most 512");
        assertRefused(settings(0, List.of(turn("u", "c".repeat(513), "turn:turn.example.org"))),
                "iceServers[0].credential: at most 512");
    }

    @Test
    void unknownEnumValuesAndOutOfRangeNumbersAreRefused() {
        Map<String, Object> body = settings(0, List.of());
        body.put("iceTransportPolicy", "nohost");
        assertRefused(body, "iceTransportPolicy");
        body = settings(0, List.of());
        body.put("bundlePolicy", "MAX_BUNDLE");
        assertRefused(body, "bundlePolicy");
        body = settings(0, List.of());
        body.put("iceCandidatePoolSize", 11);
        assertRefused(body, "iceCandidatePoolSize");
        body = settings(0, List.of());
        body.put("iceCandidatePoolSize", "lots");
        assertRefused(body, "iceCandidatePoolSize");
    }

    @Test
    void parleyRelayUrlsMustBeTurnUrls() {
        Map<String, Object> body = settings(0, List.of());
        body.put("useParleyTurn", true);
        body.put("parleyTurnUrls", List.of("turn:relay.example.org", "stun:relay.example.org"));
        assertRefused(body, "parleyTurnUrls[1]");
        body.put("parleyTurnUrls", List.of());
        assertRefused(body, "parleyTurnUrls");
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        Map<String, Object> body = settings(0, List.of(stun("ftp://x"), stun("turn:turn.example.org")));
        body.put("bundlePolicy", "none");
        body.remove("version");
        assertRefused(body, "version", "iceServers[0].urls[0]", "iceServers[1].username", "iceServers[1].credential",
                "bundlePolicy");
    }

    @Test
    void malformedBodiesAreRefused() {
        long version = AdminApi.webrtcVersion();
        asAdmin().body("{\"version\":").put(WEBRTC).then().statusCode(400);
        asAdmin().body("{\"version\": 0, \"iceServers\": {\"urls\": 1}}").put(WEBRTC).then().statusCode(400)
                .body("code", equalTo("INVALID_PAYLOAD")).body("message", containsString("iceServers"));
        asAdmin().put(WEBRTC).then().statusCode(400).body("code", equalTo("INVALID_PAYLOAD"));
        assertEquals(version, AdminApi.webrtcVersion());
    }

    @Test
    void everyChangeIsAuditedWithCredentialsMasked() {
        AdminApi.saveSettings(settings(0, List.of(stun("stun:before.example.org"))));
        AdminApi.saveSettings(settings(0, List.of(turn("audited", "audit-secret", "turn:after.example.org"))));
        var audit = asAdmin().get(AUDIT + "?page=0&size=2").then().statusCode(200)
                .body("page", equalTo(0)).body("size", equalTo(2))
                .body(not(containsString("audit-secret")))
                .extract().jsonPath();
        assertEquals("webrtc-settings", audit.getString("entries[0].resource"));
        assertEquals("admin", audit.getString("entries[0].username"));
        assertEquals(AdminApi.adminId(), audit.getString("entries[0].userId"));
        assertEquals("stun:before.example.org", audit.getString("entries[0].before.iceServers[0].urls[0]"));
        assertEquals("turn:after.example.org", audit.getString("entries[0].after.iceServers[0].urls[0]"));
        assertEquals(IceServer.MASK, audit.getString("entries[0].after.iceServers[0].credential"));
        assertEquals(audit.getLong("entries[0].before.version") + 1, audit.getLong("entries[0].after.version"));
        assertTrue(audit.getLong("entries[0].id") > audit.getLong("entries[1].id"), "newest first");
        assertFalse(audit.getString("entries[0].at").isEmpty());
        asAdmin().get(AUDIT + "?size=101").then().statusCode(400).body("message", containsString("size"));
        asAdmin().get(AUDIT + "?page=-1").then().statusCode(400).body("message", containsString("page"));
    }

    @Test
    void settingsChangesAreCountedInMetrics() {
        double before = changes();
        AdminApi.saveSettings(settings(0, List.of(stun("stun:counted.example.org"))));
        assertEquals(before + 1, changes());
    }

    private static double changes() {
        return PrometheusMetrics.value("parley_admin_settings_changes_total", "resource=\"webrtc-settings\"");
    }

    /** A 400 INVALID_PAYLOAD naming each field, with the current version sent, and the settings unchanged. */
    private static void assertRefused(Map<String, Object> body, String... fields) {
        var before = AdminApi.webrtcSettings();
        if (body.containsKey("version")) {
            body.put("version", before.getLong("version"));
        }
        var response = asAdmin().body(body).put(WEBRTC).then().statusCode(400)
                .body("code", equalTo("INVALID_PAYLOAD"));
        for (String field : fields) {
            response.body("message", containsString(field));
        }
        assertEquals(before.prettify(), AdminApi.webrtcSettings().prettify(), "nothing stored");
    }
}
