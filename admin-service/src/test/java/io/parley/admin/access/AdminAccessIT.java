package io.parley.admin.access;

import static io.parley.admin.AdminApi.AUDIT;
import static io.parley.admin.AdminApi.CLIENT_CONFIG;
import static io.parley.admin.AdminApi.PROVIDERS;
import static io.parley.admin.AdminApi.WEBRTC;
import static io.parley.admin.AdminApi.asAdmin;
import static io.parley.admin.AdminApi.asAlice;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.parley.admin.AdminApi;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.SharedInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Who may call what: anonymous callers get 401 everywhere; a signed-in user outside the administrators' group
 * gets 403 FORBIDDEN on every admin endpoint but reads the client configuration; an administrator gets 200.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "admin"))
@WithTestResource(OidcResource.class)
class AdminAccessIT {

    /** One request to an endpoint, built fresh for each caller (PUT bodies carry the version read now). */
    private record Call(String name, Function<RequestSpecification, Response> send) {
    }

    private static final List<Call> ADMIN_ENDPOINTS = List.of(
            new Call("GET providers", r -> r.get(PROVIDERS)),
            new Call("PUT providers/webrtc", r -> r.body(Map.of("enabled", true,
                    "version", AdminApi.providerVersion("webrtc"))).put(PROVIDERS + "/webrtc")),
            new Call("GET webrtc-settings", r -> r.get(WEBRTC)),
            new Call("PUT webrtc-settings", r -> r.body(AdminApi.settings(AdminApi.webrtcVersion(),
                    List.of(AdminApi.stun("stun:stun.example.org:3478")))).put(WEBRTC)),
            new Call("GET audit", r -> r.get(AUDIT + "?page=0&size=5")));

    @Test
    void anonymousCallersAreRefusedEverywhere() {
        Supplier<RequestSpecification> anonymous = () -> given().contentType(ContentType.JSON);
        for (Call call : ADMIN_ENDPOINTS) {
            call.send().apply(anonymous.get()).then().statusCode(401);
        }
        given().get(CLIENT_CONFIG).then().statusCode(401);
    }

    @Test
    void usersOutsideTheAdministratorsGroupAreForbiddenOnAdminEndpoints() {
        for (Call call : ADMIN_ENDPOINTS) {
            call.send().apply(asAlice()).then().statusCode(403)
                    .body("code", equalTo("FORBIDDEN"))
                    .body("message", equalTo("administrators only"))
                    .body("correlationId", notNullValue());
        }
    }

    @Test
    void anotherGroupDoesNotMakeAnAdministrator() {
        String token = SharedInfrastructure.oidc().accessToken("mallory", "/platform/users", "/administrators");
        AdminApi.as(token).get(PROVIDERS).then().statusCode(403);
        AdminApi.as(token).get(CLIENT_CONFIG).then().statusCode(200);
    }

    @Test
    void anySignedInUserReadsTheClientConfiguration() {
        asAlice().get(CLIENT_CONFIG).then().statusCode(200).body("rtcConfiguration", notNullValue());
        asAdmin().get(CLIENT_CONFIG).then().statusCode(200).body("rtcConfiguration", notNullValue());
    }

    @Test
    void administratorsReachEveryAdminEndpoint() {
        for (Call call : ADMIN_ENDPOINTS) {
            call.send().apply(asAdmin()).then().statusCode(200);
        }
    }
}
