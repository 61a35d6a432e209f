package io.parley.notification.socket.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * A client's text frame read as a request envelope, or the protocol error it amounts to
 * (docs/protocol.md, "Envelope" and "Error codes").
 */
public sealed interface ClientRequest {

    /** Largest message the socket reads; anything larger is answered MESSAGE_TOO_LARGE and dropped. */
    int MAX_MESSAGE_BYTES = 64 * 1024;

    /** A well-formed envelope; {@code id} is null when the client sent none. */
    record Valid(String id, String type, JsonNode payload) implements ClientRequest {
    }

    /** A frame the socket refuses, with the id if one could be read. */
    record Refused(String id, String code, String message) implements ClientRequest {
    }

    /** Reads {@code text} without ever throwing: every malformation becomes a {@link Refused}. */
    static ClientRequest read(String text, ObjectMapper json) {
        if (tooLarge(text)) {
            return new Refused(null, "MESSAGE_TOO_LARGE", "messages are limited to " + MAX_MESSAGE_BYTES + " bytes");
        }
        JsonNode envelope;
        try {
            envelope = json.readTree(text);
        } catch (Exception e) {
            return new Refused(null, "BAD_MESSAGE", "not JSON");
        }
        if (envelope == null || !envelope.isObject()) {
            return new Refused(null, "BAD_MESSAGE", "a message is a JSON object {id, type, payload}");
        }
        JsonNode id = envelope.get("id");
        if (id != null && !id.isNull() && !id.isTextual()) {
            return new Refused(null, "BAD_MESSAGE", "id must be a string");
        }
        String requestId = id == null || id.isNull() ? null : id.asText();
        JsonNode type = envelope.get("type");
        if (type == null || !type.isTextual()) {
            return new Refused(requestId, "BAD_MESSAGE", "type must be a string");
        }
        JsonNode payload = envelope.get("payload");
        if (payload == null || !payload.isObject()) {
            return new Refused(requestId, "BAD_MESSAGE", "payload must be an object");
        }
        return new Valid(requestId, type.asText(), payload);
    }

    /** Whether {@code text} takes more than {@link #MAX_MESSAGE_BYTES} in UTF-8, encoding it only when in doubt. */
    private static boolean tooLarge(String text) {
        // UTF-8 takes one to three bytes per Java char, so the char count alone decides for most messages.
        if (text.length() > MAX_MESSAGE_BYTES) {
            return true;
        }
        if (text.length() * 3 <= MAX_MESSAGE_BYTES) {
            return false;
        }
        return text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES;
    }
}
