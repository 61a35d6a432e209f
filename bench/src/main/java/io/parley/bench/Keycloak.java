package io.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Creates the benchmark's users in the local stack's Keycloak (admin API, demo bootstrap admin) and gets
 * each an access token with the password grant of the public client {@code parley-cli}.
 */
final class Keycloak {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;

    Keycloak(String url) {
        this.url = url;
    }

    /** A benchmark user with a token. */
    record User(String username, String id, String token) {
    }

    /** Makes sure {@code username} exists with password {@code password}. */
    void ensureUser(String adminToken, String username, String password) throws Exception {
        String body = JSON.createObjectNode().put("username", username).put("enabled", true).put("emailVerified", true)
                .put("firstName", "Bench").put("lastName", username).put("email", username + "@bench.parley.test")
                .set("credentials", JSON.createArrayNode().add(JSON.createObjectNode().put("type", "password")
                        .put("value", password).put("temporary", false))).toString();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(url + "/admin/realms/parley/users"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new IllegalStateException("creating " + username + ": HTTP " + created.statusCode() + " " + created.body());
        }
    }

    /** A token of Keycloak's master-realm administrator (the local stack's demo bootstrap admin). */
    String adminToken(String admin, String password) throws Exception {
        return token("master", "admin-cli", admin, password).path("access_token").asText();
    }

    /** Signs {@code username} in to realm parley. */
    User signIn(String username, String password) throws Exception {
        JsonNode tokens = token("parley", "parley-cli", username, password);
        String accessToken = tokens.path("access_token").asText();
        JsonNode claims = JSON.readTree(java.util.Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]));
        return new User(username, claims.path("sub").asText(), accessToken);
    }

    private JsonNode token(String realm, String client, String username, String password) throws Exception {
        String form = "grant_type=password&client_id=" + client + "&username=" + enc(username) + "&password=" + enc(password);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/realms/" + realm
                + "/protocol/openid-connect/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("sign-in of " + username + " at " + realm + ": HTTP " + response.statusCode()
                    + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
