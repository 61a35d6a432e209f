package io.parley.testsupport;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

/**
 * What every Parley service promises at its edge, run against the real service with real Kafka,
 * PostgreSQL and OIDC issuer: its secured endpoint accepts a valid token and refuses anonymous, unsigned,
 * expired, wrong-audience and foreign-key tokens with 401; health, Prometheus metrics and OpenAPI answer.
 * A service's test extends this class and names its secured path and the readiness checks it must report.
 */
public abstract class ServiceEdgeContract {

    /** The service's "who am I" endpoint, e.g. {@code /api/signaling/me}. */
    protected abstract String securedPath();

    /** Names of the readiness checks the service must report UP (Kafka, database...). */
    protected abstract String[] readinessChecks();

    /** How the secured endpoint refuses a request with no credentials: 401, or 302 to sign-in for browsers. */
    protected int anonymousStatus() {
        return 401;
    }

    protected static TestOidcIssuer oidc() {
        return SharedInfrastructure.oidc();
    }

    @Test
    void validTokenReachesSecuredEndpointAsThatUser() {
        given().auth().oauth2(oidc().accessToken("alice"))
                .when().get(securedPath())
                .then().statusCode(200)
                .body("username", equalTo("alice"))
                .body("userId", equalTo(TestOidcIssuer.subjectOf("alice")));
    }

    @Test
    void groupsFromTheTokenAreVisibleToTheService() {
        given().auth().oauth2(oidc().adminToken())
                .when().get(securedPath())
                .then().statusCode(200)
                .body("groups", hasItem(TestOidcIssuer.ADMIN_GROUP));
    }

    @Test
    void anonymousRequestIsRefused() {
        given().redirects().follow(false).when().get(securedPath()).then().statusCode(anonymousStatus());
    }

    @Test
    void unsignedTokenIsRefused() {
        given().auth().oauth2(oidc().unsignedToken("alice")).when().get(securedPath()).then().statusCode(401);
    }

    @Test
    void expiredTokenIsRefused() {
        given().auth().oauth2(oidc().expiredToken("alice")).when().get(securedPath()).then().statusCode(401);
    }

    @Test
    void tokenForAnotherAudienceIsRefused() {
        given().auth().oauth2(oidc().wrongAudienceToken("alice")).when().get(securedPath()).then().statusCode(401);
    }

    @Test
    void tokenSignedByAnUnknownKeyIsRefused() {
        given().auth().oauth2(oidc().foreignKeyToken("alice")).when().get(securedPath()).then().statusCode(401);
    }

    @Test
    void readinessReportsTheConnectionsTheServiceUses() {
        var response = given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        for (String check : readinessChecks()) {
            response.body("checks.find { it.name == '" + check + "' }.status", equalTo("UP"));
        }
    }

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsAreExposed() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    /** docs/metrics.md lists exactly the Parley metrics the service exports, with their types. */
    @Test
    void everyParleyMetricIsDocumentedAndEveryDocumentedOneIsExported() {
        String service = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.application.name", String.class);
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertEquals(MetricsDoc.of(service), PrometheusMetrics.families(text, "parley_"),
                "docs/metrics.md '## " + service + "' and /q/metrics differ (name -> type)");
    }

    @Test
    void openApiDocumentDescribesTheSecuredEndpoint() {
        given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
                .body(containsString(securedPath()));
    }
}
