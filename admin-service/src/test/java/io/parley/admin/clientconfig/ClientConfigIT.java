package io.parley.admin.clientconfig;

import static io.parley.admin.AdminApi.CLIENT_CONFIG;
import static io.parley.admin.AdminApi.asAlice;
import static io.parley.admin.AdminApi.settings;
import static io.parley.admin.AdminApi.stun;
import static io.parley.admin.AdminApi.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.admin.AdminApi;
import io.parley.common.turn.TurnCredentials;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The effective configuration a signed-in user gets: enabled servers and providers, fresh relay credentials. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "admin"))
@WithTestResource(OidcResource.class)
class ClientConfigIT {

    private static final String PARLEY_RELAY = "turn:relay.parley.test:3478?transport=udp";

    @Test
    void aliceGetsEnabledServersPoliciesAndFreshCredentialsForParleysRelay() {
        Map<String, Object> body = settings(0, List.of(stun("stun:on.example.org"),
                disabled(stun("stun:off.example.org")),
                turn("their-user", "their-credential", "turns:turn.example.org:5349")));
        body.put("useParleyTurn", true);
        body.put("parleyTurnUrls", List.of(PARLEY_RELAY));
        body.put("iceTransportPolicy", "relay");
        AdminApi.saveSettings(body);

        Instant requested = Instant.now();
        String text = asAlice().get(CLIENT_CONFIG).then().statusCode(200).extract().asString();
        var config = JsonPath.from(text);
        assertEquals(List.of("stun:on.example.org"), config.getList("rtcConfiguration.iceServers[0].urls"));
        assertEquals(List.of("turns:turn.example.org:5349"), config.getList("rtcConfiguration.iceServers[1].urls"));
        assertEquals("their-credential", config.getString("rtcConfiguration.iceServers[1].credential"),
                "a third-party TURN credential is the client's, handed out as entered");
        assertEquals(3, config.getList("rtcConfiguration.iceServers").size(), "the disabled server is left out");
        assertFalse(text.contains("off.example.org"));
        assertEquals("relay", config.getString("rtcConfiguration.iceTransportPolicy"));
        assertEquals("max-bundle", config.getString("rtcConfiguration.bundlePolicy"));
        assertEquals(2, config.getInt("rtcConfiguration.iceCandidatePoolSize"));

        assertEquals(List.of(PARLEY_RELAY), config.getList("rtcConfiguration.iceServers[2].urls"));
        String username = config.getString("rtcConfiguration.iceServers[2].username");
        String password = config.getString("rtcConfiguration.iceServers[2].credential");
        TurnCredentials relay = new TurnCredentials(TurnCredentials.DEMO_SHARED_SECRET, Clock.systemUTC());
        assertTrue(relay.verify(username, password), "the relay accepts what alice got");
        assertEquals(TestOidcIssuer.subjectOf("alice"), relay.check(username).userId());
        Instant expiry = relay.check(username).expiresAt();
        assertTrue(!expiry.isBefore(requested.plus(Duration.ofHours(12)).minusSeconds(5))
                && !expiry.isAfter(Instant.now().plus(Duration.ofHours(12)).plusSeconds(1)), "valid for 12 hours: " + expiry);
        assertEquals(expiry, Instant.parse(config.getString("turnCredentialsExpireAt")));
        assertFalse(text.contains(TurnCredentials.DEMO_SHARED_SECRET), "the relay's shared secret is never sent");
        assertTrue(config.getLong("version") > 0);
    }

    @Test
    void everyFetchMintsCredentialsForTheCallerOnly() {
        Map<String, Object> body = settings(0, List.of());
        body.put("useParleyTurn", true);
        AdminApi.saveSettings(body);
        String bobs = AdminApi.as(SharedInfrastructure.oidc().accessToken("bob"))
                .get(CLIENT_CONFIG).then().statusCode(200).extract().jsonPath()
                .getString("rtcConfiguration.iceServers[0].username");
        assertTrue(bobs.endsWith(":" + TestOidcIssuer.subjectOf("bob")), bobs);
        assertEquals(List.of("turn:localhost:3478?transport=udp", "turn:localhost:3478?transport=tcp"),
                asAlice().get(CLIENT_CONFIG).then().extract().jsonPath().getList("rtcConfiguration.iceServers[0].urls"));
    }

    @Test
    void withoutParleysRelayNoCredentialsAreMinted() {
        AdminApi.saveSettings(settings(0, List.of(stun("stun:only.example.org"))));
        var config = asAlice().get(CLIENT_CONFIG).then().statusCode(200).extract().jsonPath();
        assertEquals(1, config.getList("rtcConfiguration.iceServers").size());
        assertNull(config.get("rtcConfiguration.iceServers[0].username"));
        assertNull(config.get("turnCredentialsExpireAt"));
    }

    @Test
    void aSavedChangeAppliesToTheNextFetch() {
        AdminApi.saveSettings(settings(0, List.of(stun("stun:one.example.org"))));
        long version = asAlice().get(CLIENT_CONFIG).then().extract().jsonPath().getLong("version");
        AdminApi.saveSettings(settings(0, List.of(stun("stun:two.example.org"))));
        var config = asAlice().get(CLIENT_CONFIG).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("stun:two.example.org"), config.getList("rtcConfiguration.iceServers[0].urls"));
        assertEquals(version + 1, config.getLong("version"));
    }

    private static Map<String, Object> disabled(Map<String, Object> server) {
        server.put("enabled", false);
        return server;
    }
}
