package io.parley.media.turn.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.media.turn.Eventually;
import io.parley.media.turn.Stun;
import io.parley.media.turn.StunMessage;
import io.parley.media.turn.TestTurnClient;
import io.parley.common.turn.TurnCredentials;
import io.parley.testsupport.PrometheusMetrics;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /api/media/turn/credentials} against the running service: the credentials a signed-in user gets
 * work on the relay the service runs, and the relay's work shows in the Prometheus metrics.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(OidcResource.class)
class TurnCredentialsResourceIT {

    private static final String PATH = "/api/media/turn/credentials";
    private static final String RELAYED_PACKETS = "parley_turn_relayed_packets_total";
    private static final String CLIENT_TO_PEER = "direction=\"client_to_peer\"";
    private static final String ACTIVE = "parley_turn_allocations_active";
    private static final String AUTH_FAILURES = "parley_turn_auth_failures_total";

    private static TestOidcIssuer oidc() {
        return SharedInfrastructure.oidc();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp", "tcp"})
    void signedInUserGetsCredentialsThatAllocateAndRelayToAPeer(String transport) throws Exception {
        double relayedBefore = PrometheusMetrics.value(RELAYED_PACKETS, CLIENT_TO_PEER);
        JsonPath credentials = mint("alice");
        Instant expiresAt = Instant.parse(credentials.getString("expiresAt"));
        Instant twelveHours = Instant.now().plus(Duration.ofHours(12));
        assertTrue(expiresAt.isAfter(twelveHours.minusSeconds(60)) && !expiresAt.isAfter(twelveHours),
                "expiresAt " + expiresAt);

        boolean tcp = transport.equals("tcp");
        try (TestTurnClient client = new TestTurnClient(relayAddress(credentials, transport), tcp);
                DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peer.setSoTimeout(2000);
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            StunMessage allocated = client.allocate(credentials.getString("username"), credentials.getString("password"));
            assertEquals(Stun.CLASS_SUCCESS, allocated.messageClass(), "error " + TestTurnClient.errorCode(allocated));
            InetSocketAddress relayed = allocated.attribute(Stun.ATTR_XOR_RELAYED_ADDRESS)
                    .asXorAddress(allocated.transactionId());
            Eventually.await("the active allocations gauge to count the allocation", () -> PrometheusMetrics.value(ACTIVE, "") >= 1);

            assertEquals(Stun.CLASS_SUCCESS, client.createPermission(peerAddress).messageClass());
            client.sendIndication(peerAddress, "hello from alice".getBytes(StandardCharsets.UTF_8));
            DatagramPacket received = new DatagramPacket(new byte[1500], 1500);
            try {
                peer.receive(received);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the peer received nothing through the relay", e);
            }
            assertEquals("hello from alice",
                    new String(received.getData(), 0, received.getLength(), StandardCharsets.UTF_8));
            assertEquals(relayed, received.getSocketAddress());
            Eventually.await("the relayed packets counter to count the packet",
                    () -> PrometheusMetrics.value(RELAYED_PACKETS, CLIENT_TO_PEER) >= relayedBefore + 1);

            // Frees the allocation so alice's quota and the gauge are as other tests expect them.
            assertEquals(Stun.CLASS_SUCCESS, client.refresh(0).messageClass());
        }
    }

    @Test
    void credentialsNameTheUserAndBothTransportsOfOneRelayPort() {
        JsonPath credentials = given().auth().oauth2(oidc().accessToken("alice"))
                .when().post(PATH)
                .then().statusCode(200)
                .body("username", endsWith(":" + TestOidcIssuer.subjectOf("alice")))
                .body("ttlSeconds", equalTo((int) Duration.ofHours(12).toSeconds()))
                .body("uris.size()", equalTo(2))
                .extract().jsonPath();
        List<String> uris = credentials.getList("uris", String.class);
        int port = URI.create(uris.get(0).replace("turn:", "turn://")).getPort();
        assertEquals(List.of("turn:localhost:" + port + "?transport=udp", "turn:localhost:" + port + "?transport=tcp"),
                uris);
    }

    @Test
    void anonymousCallerGets401() {
        given().when().post(PATH).then().statusCode(401);
    }

    @Test
    void credentialsMintedWithAnotherSecretAreRefusedByTheRelay() throws Exception {
        InetSocketAddress relay = relayAddress(mint("alice"), "udp");
        double failuresBefore = PrometheusMetrics.value(AUTH_FAILURES, "");
        TurnCredentials.Minted forged = new TurnCredentials("not-the-relay-secret", Clock.systemUTC())
                .mint(TestOidcIssuer.subjectOf("alice"), Duration.ofHours(1));
        try (TestTurnClient client = new TestTurnClient(relay, false)) {
            assertEquals(Stun.ERR_UNAUTHORIZED, TestTurnClient.errorCode(client.allocate(forged.username(),
                    forged.password())));
        }
        Eventually.await("the auth failures counter to count the attempt",
                () -> PrometheusMetrics.value(AUTH_FAILURES, "") >= failuresBefore + 1);
    }

    @Test
    void privatePeersOutsideTheAllowListAreForbidden() throws Exception {
        JsonPath credentials = mint("bob");
        try (TestTurnClient client = new TestTurnClient(relayAddress(credentials, "udp"), false)) {
            assertEquals(Stun.CLASS_SUCCESS,
                    client.allocate(credentials.getString("username"), credentials.getString("password")).messageClass());
            assertEquals(Stun.ERR_FORBIDDEN, TestTurnClient.errorCode(
                    client.createPermission(new InetSocketAddress("10.1.2.3", 5000))));
            assertEquals(Stun.CLASS_SUCCESS, client.refresh(0).messageClass());
        }
    }

    private static JsonPath mint(String user) {
        return given().auth().oauth2(oidc().accessToken(user))
                .when().post(PATH)
                .then().statusCode(200)
                .extract().jsonPath();
    }

    /** Where the relay listens for {@code transport}, read from the URIs handed to clients (host is public-host). */
    private static InetSocketAddress relayAddress(JsonPath credentials, String transport) {
        String uri = credentials.getList("uris", String.class).stream()
                .filter(u -> u.endsWith("?transport=" + transport))
                .findFirst().orElseThrow(() -> new AssertionError("no " + transport + " URI in " + credentials.prettify()));
        return new InetSocketAddress("127.0.0.1", URI.create(uri.replace("turn:", "turn://")).getPort());
    }

}
