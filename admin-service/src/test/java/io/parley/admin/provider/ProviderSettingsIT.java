package io.parley.admin.provider;

import static io.parley.admin.AdminApi.AUDIT;
import static io.parley.admin.AdminApi.CLIENT_CONFIG;
import static io.parley.admin.AdminApi.PROVIDERS;
import static io.parley.admin.AdminApi.asAdmin;
import static io.parley.admin.AdminApi.asAlice;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.admin.AdminApi;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider registry: built-in WebRTC plus SPI beans, enabled and disabled with a version check and audit. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "admin"))
@WithTestResource(OidcResource.class)
class ProviderSettingsIT {

    @AfterEach
    void restoreDefaults() {
        AdminApi.setProvider("webrtc", true);
        AdminApi.setProvider(TestSipConnector.ID, false);
    }

    @Test
    void listsTheBuiltInWebRtcProviderAndConnectorsFoundAsBeans() {
        asAdmin().get(PROVIDERS).then().statusCode(200)
                .body("[0].id", equalTo("webrtc"))
                .body("[0].name", equalTo("WebRTC"))
                .body("find { it.id == 'sip-test' }.name", equalTo("SIP (test connector)"))
                .body("find { it.id == 'sip-test' }.description", equalTo("Calls to SIP phones through a test connector."));
    }

    @Test
    void disablingAProviderRemovesItFromClientsAndBumpsItsVersion() {
        long version = AdminApi.providerVersion("webrtc");
        asAdmin().body(Map.of("enabled", false, "version", version)).put(PROVIDERS + "/webrtc").then().statusCode(200)
                .body("enabled", equalTo(false))
                .body("version", equalTo((int) version + 1));
        asAlice().get(CLIENT_CONFIG).then().statusCode(200).body("providers.id", not(hasItem("webrtc")));

        asAdmin().body(Map.of("enabled", true, "version", version + 1)).put(PROVIDERS + "/webrtc").then().statusCode(200);
        asAlice().get(CLIENT_CONFIG).then().statusCode(200).body("providers.id", hasItem("webrtc"));
    }

    @Test
    void enablingAConnectorOffersItToClients() {
        asAlice().get(CLIENT_CONFIG).then().body("providers.id", not(hasItem(TestSipConnector.ID)));
        AdminApi.setProvider(TestSipConnector.ID, true);
        asAlice().get(CLIENT_CONFIG).then().statusCode(200)
                .body("providers.find { it.id == 'sip-test' }.name", equalTo("SIP (test connector)"));
    }

    @Test
    void staleVersionIsAConflictAndChangesNothing() {
        long version = AdminApi.providerVersion(TestSipConnector.ID);
        AdminApi.setProvider(TestSipConnector.ID, true);
        asAdmin().body(Map.of("enabled", false, "version", version)).put(PROVIDERS + "/" + TestSipConnector.ID).then()
                .statusCode(409)
                .body("code", equalTo("CONFLICT"))
                .body("message", containsString("current version is " + (version + 1)));
        asAdmin().get(PROVIDERS).then()
                .body("find { it.id == 'sip-test' }.enabled", equalTo(true))
                .body("find { it.id == 'sip-test' }.version", equalTo((int) version + 1));
    }

    @Test
    void unknownProviderIsNotFound() {
        asAdmin().body(Map.of("enabled", true, "version", 0)).put(PROVIDERS + "/nope").then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void missingFieldsAreNamed() {
        asAdmin().body(Map.of("version", 0)).put(PROVIDERS + "/webrtc").then().statusCode(400)
                .body("code", equalTo("INVALID_PAYLOAD")).body("message", containsString("enabled"));
        asAdmin().body(Map.of("enabled", true)).put(PROVIDERS + "/webrtc").then().statusCode(400)
                .body("code", equalTo("INVALID_PAYLOAD")).body("message", containsString("version"));
        asAdmin().body(Map.of("enabled", "perhaps", "version", 0)).put(PROVIDERS + "/webrtc").then().statusCode(400)
                .body("code", equalTo("INVALID_PAYLOAD")).body("message", containsString("enabled"));
    }

    @Test
    void everyChangeIsAuditedWithWhoBeforeAndAfter() {
        long version = AdminApi.providerVersion(TestSipConnector.ID);
        AdminApi.setProvider(TestSipConnector.ID, true);
        var entry = asAdmin().get(AUDIT + "?page=0&size=1").then().statusCode(200).extract().jsonPath();
        assertEquals("providers/sip-test", entry.getString("entries[0].resource"));
        assertEquals(AdminApi.adminId(), entry.getString("entries[0].userId"));
        assertEquals("admin", entry.getString("entries[0].username"));
        Map<String, Object> before = new HashMap<>(entry.getMap("entries[0].before"));
        Map<String, Object> after = new HashMap<>(entry.getMap("entries[0].after"));
        assertEquals(false, before.get("enabled"));
        assertEquals((int) version, before.get("version"));
        assertEquals(true, after.get("enabled"));
        assertEquals((int) version + 1, after.get("version"));
    }
}
