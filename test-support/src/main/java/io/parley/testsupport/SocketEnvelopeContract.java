package io.parley.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.protocol.Envelope;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ProtocolVersion;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every Parley socket promises about its envelope (docs/protocol.md, "Versions" and "Envelope"), run
 * against the real service: the welcome carries the protocol version; malformed, unknown and oversized
 * messages get the documented error and leave the socket working; a frame over 1 MiB closes it with 1009.
 * A service's test extends this class and names its socket.
 */
public abstract class SocketEnvelopeContract {

    /** The socket's address ({@code http://} as Quarkus tests inject it, or {@code ws://}). */
    protected abstract URI socketUri();

    /** Opens the socket as a fresh user the service accepts and waits for its welcome. */
    protected WsTestClient open(String name) throws Exception {
        WsTestClient client = WsTestClient.connect(socketUri(), SharedInfrastructure.oidc().accessToken(name), name);
        client.awaitEvent("welcome", payload -> true);
        return client;
    }

    @Test
    void welcomeIsTheFirstMessageAndCarriesTheProtocolVersion() throws Exception {
        try (WsTestClient client = open("envelope-welcome")) {
            JsonNode first = client.received().get(0);
            assertEquals("welcome", first.path("type").asText(), first.toString());
            assertEquals(ProtocolVersion.CURRENT, first.path("payload").path("protocolVersion").asInt(-1),
                    first.toString());
        }
    }

    @Test
    void malformedInputIsAnsweredBadMessageAndTheSocketKeepsWorking() throws Exception {
        try (WsTestClient client = open("envelope-malformed")) {
            assertError(client, "not json at all", null, ErrorCode.BAD_MESSAGE);
            assertError(client, "[1, 2]", null, ErrorCode.BAD_MESSAGE);
            assertError(client, "{\"id\":7,\"type\":\"x\",\"payload\":{}}", null, ErrorCode.BAD_MESSAGE);
            assertError(client, "{\"id\":\"m-1\",\"payload\":{}}", "m-1", ErrorCode.BAD_MESSAGE);
            assertError(client, "{\"id\":\"m-2\",\"type\":\"x\"}", "m-2", ErrorCode.BAD_MESSAGE);
            assertError(client, "{\"id\":\"m-3\",\"type\":\"x\",\"payload\":\"x\"}", "m-3", ErrorCode.BAD_MESSAGE);
            assertError(client, "{\"id\":\"m-4\",\"type\":7,\"payload\":{}}", "m-4", ErrorCode.BAD_MESSAGE);
            assertStillAnswers(client);
        }
    }

    @Test
    void unknownTypeIsAnsweredUnknownTypeEvenWithoutAnId() throws Exception {
        try (WsTestClient client = open("envelope-unknown")) {
            assertError(client, "{\"id\":\"m-5\",\"type\":\"no_such_request\",\"payload\":{}}", "m-5",
                    ErrorCode.UNKNOWN_TYPE);
            assertError(client, "{\"type\":\"no_such_request\",\"payload\":{}}", null, ErrorCode.UNKNOWN_TYPE);
        }
    }

    @Test
    void messageOver64KiBIsAnsweredMessageTooLargeAndDropped() throws Exception {
        try (WsTestClient client = open("envelope-large")) {
            String big = "{\"id\":\"big\",\"type\":\"no_such_request\",\"payload\":{\"pad\":\""
                    + "x".repeat(Envelope.MAX_MESSAGE_BYTES) + "\"}}";
            assertError(client, big, null, ErrorCode.MESSAGE_TOO_LARGE);
            assertFalse(client.hasReceived(m -> "big".equals(m.path("id").asText())), "the big message was read");
            assertStillAnswers(client);
        }
    }

    @Test
    void frameOver1MiBClosesTheSocketWith1009() throws Exception {
        try (WsTestClient client = open("envelope-frame")) {
            client.sendRaw("x".repeat(Envelope.MAX_FRAME_BYTES + 1));
            assertEquals(1009, client.awaitClose(Duration.ofSeconds(10)).code());
        }
    }

    /** A well-formed request still gets its own reply. */
    private static void assertStillAnswers(WsTestClient client) {
        JsonNode reply = client.request("no_such_request", Map.of());
        assertEquals(ErrorCode.UNKNOWN_TYPE.name(), reply.path("payload").path("code").asText(), reply.toString());
        assertTrue(client.isOpen());
    }

    /** Sends {@code text} and waits for the next error reply, which must carry {@code id} and {@code code}. */
    private static void assertError(WsTestClient client, String text, String id, ErrorCode code) {
        int before = client.received().size();
        client.sendRaw(text);
        JsonNode error = client.await(before, m -> "error".equals(m.path("type").asText()),
                "an error reply to " + abbreviated(text));
        assertEquals(code.name(), error.path("payload").path("code").asText(), error.toString());
        assertEquals(id, error.path("id").isNull() ? null : error.path("id").asText(), error.toString());
        assertFalse(error.path("payload").path("correlationId").asText().isEmpty(), error.toString());
    }

    private static String abbreviated(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
