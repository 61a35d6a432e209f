package io.parley.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Proves the test issuer serves OIDC discovery and keys over HTTP and mints Keycloak-shaped tokens. */
class TestOidcIssuerSelfIT {

    @Test
    void discoveryPointsAtAKeySetServedOverHttp() throws Exception {
        TestOidcIssuer issuer = SharedInfrastructure.oidc();
        HttpClient http = HttpClient.newHttpClient();
        String discovery = http.send(HttpRequest.newBuilder(URI.create(issuer.issuer()
                + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(discovery.contains("\"issuer\":\"" + issuer.issuer() + "\""), discovery);
        HttpResponse<String> keys = http.send(HttpRequest.newBuilder(URI.create(issuer.issuer()
                + "/protocol/openid-connect/certs")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, keys.statusCode());
        assertTrue(keys.body().contains("\"kty\":\"RSA\""), keys.body());
    }

    @Test
    void accessTokenCarriesAudienceGroupsAndUserClaims() {
        String token = SharedInfrastructure.oidc().accessToken("bob", "/platform/administrators");
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(payload.contains("\"aud\":\"parley\""), payload);
        assertTrue(payload.contains("\"preferred_username\":\"bob\""), payload);
        assertTrue(payload.contains("\"groups\":[\"/platform/administrators\"]"), payload);
    }
}
