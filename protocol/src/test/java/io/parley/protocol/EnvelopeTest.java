package io.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.protocol.signaling.SignalingRequests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The envelope rules every socket shares (docs/protocol.md, "Envelope"), without a server. */
class EnvelopeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void wellFormedRequestIsRead() {
        Envelope request = Envelope.read("{\"id\":\"c-1\",\"type\":\"call\",\"payload\":{\"calleeId\":\"bob\"}}", JSON);
        assertEquals("c-1", request.id());
        assertEquals("call", request.type());
        SignalingRequests.Call call = SignalingRequests.Call.read(request.payload());
        assertEquals(new SignalingRequests.Call("bob", true, true, "webrtc"), call);
    }

    @Test
    void idIsOptionalButMustBeAStringWhenSent() {
        assertNull(Envelope.read("{\"type\":\"ping\",\"payload\":{}}", JSON).id());
        assertNull(Envelope.read("{\"id\":null,\"type\":\"ping\",\"payload\":{}}", JSON).id());
        assertRefused(ErrorCode.BAD_MESSAGE, null, "{\"id\":7,\"type\":\"ping\",\"payload\":{}}");
    }

    @Test
    void malformedInputIsBadMessageWithTheIdWhenReadable() {
        assertRefused(ErrorCode.BAD_MESSAGE, null, "not json");
        assertRefused(ErrorCode.BAD_MESSAGE, null, "[1,2]");
        assertRefused(ErrorCode.BAD_MESSAGE, "m-1", "{\"id\":\"m-1\",\"payload\":{}}");
        assertRefused(ErrorCode.BAD_MESSAGE, "m-2", "{\"id\":\"m-2\",\"type\":\"ping\"}");
        assertRefused(ErrorCode.BAD_MESSAGE, "m-3", "{\"id\":\"m-3\",\"type\":\"ping\",\"payload\":\"x\"}");
        assertRefused(ErrorCode.BAD_MESSAGE, "m-4", "{\"id\":\"m-4\",\"type\":7,\"payload\":{}}");
    }

    @Test
    void messageOverTheLimitIsRefusedCountingUtf8Bytes() {
        String ascii = "{\"type\":\"ping\",\"payload\":{\"x\":\"" + "a".repeat(Envelope.MAX_MESSAGE_BYTES) + "\"}}";
        assertRefused(ErrorCode.MESSAGE_TOO_LARGE, null, ascii);
        // 30,000 three-byte characters: under the limit in chars, over it in bytes.
        String wide = "{\"type\":\"ping\",\"payload\":{\"x\":\"" + "€".repeat(30_000) + "\"}}";
        assertRefused(ErrorCode.MESSAGE_TOO_LARGE, null, wide);
        String fits = "{\"type\":\"ping\",\"payload\":{\"x\":\"" + "€".repeat(20_000) + "\"}}";
        assertEquals("ping", Envelope.read(fits, JSON).type());
    }

    @Test
    void wronglyTypedOrMissingFieldsAreInvalidPayloadNamingTheField() {
        Payload payload = new Payload(JSON.valueToTree(Map.of("audio", "yes", "userIds", List.of("a", 1),
                "sdpType", "pranswer")));
        assertInvalid("calleeId", () -> payload.text("calleeId"));
        assertInvalid("audio", () -> payload.bool("audio", true));
        assertInvalid("userIds", () -> payload.textList("userIds", 500));
        assertInvalid("sdpType", () -> payload.oneOf("sdpType", "offer", "answer"));
        assertInvalid("status", () -> payload.textOrNull("status"));
        Payload tooMany = new Payload(JSON.valueToTree(Map.of("userIds", List.of("a", "b", "c"))));
        assertInvalid("at most 2", () -> tooMany.textList("userIds", 2));
    }

    @Test
    void writerEchoesTheRequestIdAndGivesEventsDistinctIds() throws Exception {
        EnvelopeWriter writer = new EnvelopeWriter(JSON);
        JsonNode ack = JSON.readTree(writer.ack("c-9", Map.of("ok", true)));
        assertEquals("c-9", ack.get("id").asText());
        assertEquals("ack", ack.get("type").asText());
        JsonNode error = JSON.readTree(writer.error(null, new ApiException(ErrorCode.SELF_CALL, "no"), "corr"));
        assertEquals(JSON.readTree("{\"id\":null,\"type\":\"error\",\"payload\":"
                + "{\"code\":\"SELF_CALL\",\"message\":\"no\",\"correlationId\":\"corr\"}}"), error);
        String first = JSON.readTree(writer.event("status", Map.of())).get("id").asText();
        String second = JSON.readTree(writer.event("status", Map.of())).get("id").asText();
        assertEquals(false, first.equals(second));
    }

    private static void assertRefused(ErrorCode code, String id, String text) {
        ProtocolException refused = assertThrows(ProtocolException.class, () -> Envelope.read(text, JSON), text);
        assertEquals(code, refused.errorCode(), text);
        assertEquals(id, refused.requestId(), text);
    }

    private static void assertInvalid(String mentioned, Runnable read) {
        ApiException refused = assertThrows(ApiException.class, read::run);
        assertEquals(ErrorCode.INVALID_PAYLOAD, refused.errorCode());
        assertEquals(true, refused.getMessage().contains(mentioned), refused.getMessage());
    }
}
