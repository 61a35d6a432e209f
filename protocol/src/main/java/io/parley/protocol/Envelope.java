package io.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * A client request that passed envelope validation (docs/protocol.md, "Envelope"): {@code {id, type, payload}}
 * with an optional string id, a string type and an object payload. {@link #read} is the one place every socket
 * turns a text frame into a request, refusing malformed input with the code the protocol gives it.
 *
 * @param id the client's id, echoed in the reply; null when the client sent none
 * @param type the request type
 * @param payload the type's fields
 */
public record Envelope(String id, String type, Payload payload) {

    /** Largest message a socket reads; a larger one gets MESSAGE_TOO_LARGE and is dropped unread. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    /**
     * Largest frame or message a socket accepts at all; a larger one closes it with 1009. Each service sets
     * {@code quarkus.websockets-next.server.max-frame-size} and {@code max-message-size} to this.
     */
    public static final int MAX_FRAME_BYTES = 1024 * 1024;

    /**
     * Reads {@code text} as a request envelope.
     *
     * @throws ProtocolException MESSAGE_TOO_LARGE, or BAD_MESSAGE for anything that is not an envelope (with
     *         the request's id when one could be read)
     */
    public static Envelope read(String text, ObjectMapper json) {
        if (tooLarge(text)) {
            throw new ProtocolException(ErrorCode.MESSAGE_TOO_LARGE, null,
                    "messages are limited to " + MAX_MESSAGE_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (Exception e) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, null, "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, null, "a message is a JSON object {id, type, payload}");
        }
        JsonNode id = root.get("id");
        if (id != null && !id.isNull() && !id.isTextual()) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, null, "id must be a string");
        }
        String requestId = id == null || id.isNull() ? null : id.asText();
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, requestId, "type must be a string");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, requestId, "payload must be an object");
        }
        return new Envelope(requestId, type.asText(), new Payload(payload));
    }

    /** Whether {@code text} takes more than {@link #MAX_MESSAGE_BYTES} in UTF-8, encoding it only when in doubt. */
    static boolean tooLarge(String text) {
        // UTF-8 takes one to three bytes per Java char, so the char count alone decides for most messages.
        if (text.length() > MAX_MESSAGE_BYTES) {
            return true;
        }
        if (text.length() * 3L <= MAX_MESSAGE_BYTES) {
            return false;
        }
        return text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES;
    }

    /** A refusal of this request with INVALID_PAYLOAD or another code, answered as an error reply. */
    public ProtocolException refuse(ErrorCode code, String message) {
        return new ProtocolException(code, id, message);
    }
}
