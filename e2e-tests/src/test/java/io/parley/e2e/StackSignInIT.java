package io.parley.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The local stack exactly as {@code ./parley up} starts it (on free ports): every component becomes
 * ready; alice signs in through the real Keycloak login page at the gateway and reaches a secured
 * endpoint of every service, which each validate her token themselves; anonymous requests are refused.
 */
@ExtendWith(SharedStack.class)
class StackSignInIT {

    private static final List<String> SERVICES = List.of("signaling", "presence", "notification", "admin", "media");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalStack stack;
    private static String gateway;

    @BeforeAll
    static void attach() {
        stack = SharedStack.stack();
        gateway = SharedStack.gateway();
    }

    @Test
    void everyComponentIsListedAsReady() {
        String table = SharedStack.progress();
        for (String component : List.of("postgresql", "kafka", "keycloak", "signaling", "presence", "notification",
                "admin", "media", "gateway")) {
            assertTrue(stack.rows().stream().anyMatch(r -> r.component().equals(component) && r.state().equals("ready")),
                    component + " missing from " + stack.rows());
            assertTrue(table.contains(component), table);
        }
    }

    @Test
    void servicesRunWithFewMallocArenas() throws Exception {
        // media-service's native memory (libwebrtc) grows twice as fast with glibc's default arenas; an operator's own
        // MALLOC_ARENA_MAX is passed through instead.
        String expected = "MALLOC_ARENA_MAX=" + System.getenv().getOrDefault("MALLOC_ARENA_MAX", "2");
        for (String component : List.of("media", "signaling")) {
            LocalStack.Row row = stack.rows().stream().filter(r -> r.component().equals(component)).findFirst()
                    .orElseThrow();
            List<String> environment = List.of(
                    java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(row.pid()), "environ"))
                            .split("\0"));
            assertTrue(environment.contains(expected), component + " (pid " + row.pid() + ") lacks " + expected);
        }
    }

    @Test
    void aliceSignsInAtTheGatewayAndEveryServiceKnowsHer() throws Exception {
        BrowserSession browser = new BrowserSession();
        HttpResponse<String> landing = browser.signIn(gateway + "/", "alice", "alice");
        assertEquals(200, landing.statusCode(), landing.body());
        assertTrue(landing.body().contains("Signed in as"), landing.body());

        JsonNode me = JSON.readTree(browser.get(gateway + "/api/gateway/me").body());
        assertEquals("alice", me.get("username").asText());
        assertEquals("Alice Anderson", me.get("name").asText());

        for (String service : SERVICES) {
            HttpResponse<String> response = browser.get(gateway + "/api/" + service + "/me");
            assertEquals(200, response.statusCode(), service + ": " + response.body());
            JsonNode body = JSON.readTree(response.body());
            assertEquals(service + "-service", body.get("service").asText());
            assertEquals("alice", body.get("username").asText(), service);
            assertEquals(me.get("userId").asText(), body.get("userId").asText(), service);
        }
    }

    @Test
    void signalingSocketThroughTheGatewayBelongsToTheSignedInUser() throws Exception {
        BrowserSession browser = new BrowserSession();
        browser.signIn(gateway + "/", "carol", "carol");
        String carolId = JSON.readTree(browser.get(gateway + "/api/gateway/me").body()).get("userId").asText();
        try (var socket = io.parley.testsupport.WsTestClient.connect(URI.create(gateway + "/ws/signaling"),
                java.util.Map.of("Cookie", browser.cookieHeader(gateway)), "carol-via-gateway")) {
            JsonNode welcome = socket.awaitEvent("welcome", p -> true).path("payload");
            assertEquals(carolId, welcome.get("userId").asText());
            assertEquals(io.parley.protocol.ProtocolVersion.CURRENT, welcome.get("protocolVersion").asInt());
            JsonNode calls = socket.ok("list_calls", java.util.Map.of());
            assertTrue(calls.get("calls").isArray());
        }
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> io.parley.testsupport.WsTestClient.connect(
                URI.create(gateway + "/ws/signaling"), java.util.Map.of(), "anonymous-via-gateway"));
    }

    @Test
    void theSignedInPageGetsItsAccessTokenForRefreshingASocket() throws Exception {
        BrowserSession browser = new BrowserSession();
        browser.signIn(gateway + "/", "bob", "bob");
        String bobId = JSON.readTree(browser.get(gateway + "/api/gateway/me").body()).get("userId").asText();
        HttpResponse<String> response = browser.post(gateway + "/api/gateway/token");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Cache-Control").orElse("").contains("no-store"), response.headers().toString());
        JsonNode token = JSON.readTree(response.body());
        assertTrue(java.time.Instant.parse(token.get("expiresAt").asText()).isAfter(java.time.Instant.now()), token.toString());

        // It is bob's Keycloak access token: a service accepts it directly.
        String signaling = stack.services().stream().filter(s -> s.name().equals("signaling")).findFirst().orElseThrow().url();
        HttpResponse<String> me = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(signaling + "/api/signaling/me"))
                .header("Authorization", "Bearer " + token.get("accessToken").asText()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(bobId, JSON.readTree(me.body()).get("userId").asText());

        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(gateway + "/api/gateway/token")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, anonymous.statusCode(), "no token without a session: sent to sign in");
        assertTrue(anonymous.headers().firstValue("Location").orElse("").startsWith(stack.keycloak().issuer()));
    }

    @Test
    void wrongPasswordDoesNotSignIn() throws Exception {
        BrowserSession browser = new BrowserSession();
        HttpResponse<String> response = browser.signIn(gateway + "/", "alice", "not-her-password");
        assertTrue(response.body().contains("Invalid username or password"), response.body());
        assertEquals(401, browser.get(gateway + "/api/signaling/me").statusCode());
    }

    @Test
    void adminGroupMembershipReachesTheServices() throws Exception {
        BrowserSession browser = new BrowserSession();
        browser.signIn(gateway + "/", "admin", "admin");
        JsonNode body = JSON.readTree(browser.get(gateway + "/api/admin/me").body());
        assertTrue(body.get("groups").toString().contains("/platform/administrators"), body.toString());
    }

    @Test
    void anonymousRequestsAreRefused() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String service : SERVICES) {
            HttpResponse<String> viaGateway = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/" + service + "/me"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, viaGateway.statusCode(), service + " via gateway");
        }
        for (var service : stack.services()) {
            if (service.name().equals("gateway")) {
                continue;
            }
            HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create(service.url() + "/api/"
                    + service.name() + "/me")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, direct.statusCode(), service.name() + " directly");
        }
        HttpResponse<String> landing = http.send(HttpRequest.newBuilder(URI.create(gateway + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, landing.statusCode());
        assertTrue(landing.headers().firstValue("Location").orElse("").startsWith(stack.keycloak().issuer()),
                landing.headers().toString());
    }

    @Test
    void servicesValidateKeycloakTokensThemselves() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String form = "grant_type=password&client_id=parley-cli&username=bob&password=bob";
        HttpResponse<String> tokens = http.send(HttpRequest.newBuilder(URI.create(stack.keycloak().issuer()
                + "/protocol/openid-connect/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, tokens.statusCode(), tokens.body());
        String token = JSON.readTree(tokens.body()).get("access_token").asText();
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        for (var service : stack.services()) {
            String url = service.url() + "/api/" + service.name() + "/me";
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), service.name() + ": " + ok.body());
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + tampered).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), service.name() + " accepted a tampered token");
        }
    }
}
