package io.parley.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.parley.testsupport.OidcResource;
import io.parley.testsupport.ServiceEdgeContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own edge (bearer tokens, health, metrics, OpenAPI), plus the relay's refusal of anonymous
 * requests. Sign-in through Keycloak and relaying to every service are proven in e2e-tests.
 */
@QuarkusTest
@WithTestResource(OidcResource.class)
class GatewayEdgeIT extends ServiceEdgeContract {

    @Override
    protected String securedPath() {
        return "/api/gateway/me";
    }

    /** The gateway's own API belongs to browser sessions: no credentials means "go and sign in". */
    @Override
    protected int anonymousStatus() {
        return 302;
    }

    @Override
    protected String[] readinessChecks() {
        return new String[0];
    }

    @Test
    void anonymousRequestToARelayedServiceIsRefusedWithoutRedirect() {
        given().redirects().follow(false).when().get("/api/signaling/me")
                .then().statusCode(401).body("code", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void invalidBearerTokenToARelayedServiceIsRefused() {
        given().auth().oauth2(oidc().expiredToken("alice")).redirects().follow(false)
                .when().get("/api/signaling/me").then().statusCode(401);
    }

    @Test
    void browserWithoutSessionIsSentToSignIn() {
        given().redirects().follow(false).when().get("/").then().statusCode(302);
    }

    @Test
    void demoAvatarsAreServedWithoutSignIn() {
        given().when().get("/avatars/alice.svg").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.containsString("image/svg+xml"))
                .body(org.hamcrest.Matchers.containsString("<svg"));
    }
}
