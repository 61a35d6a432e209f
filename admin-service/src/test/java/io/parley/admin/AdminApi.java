package io.parley.admin;

import static io.restassured.RestAssured.given;

import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Calls the admin API as the test users and builds request bodies; tests share one app and read versions first. */
public final class AdminApi {

    public static final String PROVIDERS = "/api/admin/providers";
    public static final String WEBRTC = "/api/admin/webrtc-settings";
    public static final String AUDIT = "/api/admin/audit";
    public static final String CLIENT_CONFIG = "/api/admin/client-config";

    private AdminApi() {
    }

    public static RequestSpecification asAdmin() {
        return as(SharedInfrastructure.oidc().adminToken());
    }

    /** A signed-in user outside the administrators' group. */
    public static RequestSpecification asAlice() {
        return as(SharedInfrastructure.oidc().accessToken("alice"));
    }

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    public static String adminId() {
        return TestOidcIssuer.subjectOf("admin");
    }

    public static JsonPath webrtcSettings() {
        return asAdmin().get(WEBRTC).then().statusCode(200).extract().jsonPath();
    }

    public static long webrtcVersion() {
        return webrtcSettings().getLong("version");
    }

    public static long providerVersion(String id) {
        return asAdmin().get(PROVIDERS).then().statusCode(200).extract().jsonPath()
                .getLong("find { it.id == '" + id + "' }.version");
    }

    /** Sets a provider's enabled flag as the admin, whatever its version; returns the new version. */
    public static long setProvider(String id, boolean enabled) {
        return asAdmin().body(Map.of("enabled", enabled, "version", providerVersion(id)))
                .put(PROVIDERS + "/" + id).then().statusCode(200).extract().jsonPath().getLong("version");
    }

    /** A valid settings body with the given ICE servers and policies that tests rarely vary. */
    public static Map<String, Object> settings(long version, List<Map<String, Object>> iceServers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version);
        body.put("iceServers", iceServers);
        body.put("iceTransportPolicy", "all");
        body.put("bundlePolicy", "max-bundle");
        body.put("iceCandidatePoolSize", 2);
        body.put("useParleyTurn", false);
        body.put("parleyTurnUrls", List.of("turn:localhost:3478?transport=udp", "turn:localhost:3478?transport=tcp"));
        return body;
    }

    public static Map<String, Object> stun(String... urls) {
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("urls", List.of(urls));
        server.put("enabled", true);
        return server;
    }

    public static Map<String, Object> turn(String username, String credential, String... urls) {
        Map<String, Object> server = stun(urls);
        server.put("username", username);
        server.put("credential", credential);
        return server;
    }

    /** {@code count} valid STUN servers. */
    public static List<Map<String, Object>> stunServers(int count) {
        List<Map<String, Object>> servers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            servers.add(stun("stun:stun" + i + ".example.org:3478"));
        }
        return servers;
    }

    /** Replaces the WebRTC settings as the admin with the current version; returns the response. */
    public static JsonPath saveSettings(Map<String, Object> body) {
        body.put("version", webrtcVersion());
        return asAdmin().body(body).put(WEBRTC).then().statusCode(200).extract().jsonPath();
    }
}
