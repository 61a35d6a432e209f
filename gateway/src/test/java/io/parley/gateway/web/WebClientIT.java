package io.parley.gateway.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.HttpServer;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.SharedInfrastructure;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web client the gateway serves: its pages send a browser without a session to sign in, the JS SDK
 * and the app's assets load without one, and a WebSocket upgrade that carries its own bearer token in the
 * subprotocol list (the SDK with a token) reaches the service, which checks the token itself.
 */
@QuarkusTest
@WithTestResource(OidcResource.class)
@WithTestResource(WebClientIT.FakeSignaling.class)
class WebClientIT {

    @Test
    void everyPageOfTheWebAppNeedsSignIn() {
        for (String page : new String[] {"/", "/index.html", "/call.html", "/echo.html", "/sdk/example.html"}) {
            given().redirects().follow(false).when().get(page).then().statusCode(302);
        }
    }

    @Test
    void theDirectoryPageCarriesItsTestHooksForASignedInUser() {
        given().auth().oauth2(SharedInfrastructure.oidc().accessToken("alice")).when().get("/").then().statusCode(200)
                .body(allOf(containsString("Signed in as"), containsString("data-testid=\"my-status\""),
                        containsString("data-testid=\"missed-calls\""), containsString("data-testid=\"echo-test\"")));
    }

    @Test
    void theSdkAndTheAppAssetsLoadWithoutSignIn() {
        given().when().get("/sdk/parley.js").then().statusCode(200)
                .contentType(containsString("javascript")).body(containsString("export class Parley"));
        for (String asset : new String[] {"/app/call.js", "/app/directory.js", "/app/echo.js", "/app/sounds.js", "/app/app.css"}) {
            given().when().get(asset).then().statusCode(200);
        }
    }

    @Test
    void aSocketUpgradeCarryingItsTokenInTheSubprotocolIsRelayedForTheServiceToCheck() throws Exception {
        FakeSignaling.requests.clear();
        String subprotocols = "bearer-token-carrier, quarkus-http-upgrade#Authorization#Bearer%20not-checked-here";
        given().redirects().follow(false)
                .header("Connection", "Upgrade").header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Sec-WebSocket-Protocol", subprotocols)
                .header("Cookie", "embedding-page=its-own")
                .when().get("/ws/signaling");
        Map<String, String> relayed = FakeSignaling.requests.poll(10, TimeUnit.SECONDS);
        assertNotNull(relayed, "the upgrade did not reach the service");
        assertEquals(subprotocols, relayed.get("sec-websocket-protocol"));
        assertNull(relayed.get("cookie"), "cookies of the gateway's origin must not reach the services");
    }

    @Test
    void aSocketUpgradeWithoutSessionOrTokenIsRefusedAtTheGateway() throws Exception {
        FakeSignaling.requests.clear();
        given().redirects().follow(false)
                .header("Connection", "Upgrade").header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .when().get("/ws/signaling").then().statusCode(401);
        assertNull(FakeSignaling.requests.poll(500, TimeUnit.MILLISECONDS));
    }

    /** Stands in for signaling-service: records the headers of each request it receives and answers 400. */
    public static final class FakeSignaling implements QuarkusTestResourceLifecycleManager {

        static final BlockingQueue<Map<String, String>> requests = new ArrayBlockingQueue<>(16);
        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/", exchange -> {
                Map<String, String> headers = new java.util.HashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                        String.join(",", values)));
                requests.offer(headers);
                exchange.sendResponseHeaders(400, -1);
                exchange.close();
            });
            server.start();
            return Map.of("parley.gateway.routes.signaling.url", "http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }
}
