package io.parley.presence.status.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;

/**
 * Validates a text frame as a request envelope before anything is dispatched, answering each kind of
 * bad input with the code docs/protocol.md gives it.
 */
@ApplicationScoped
public class RequestReader {

    /** protocol.md: larger messages are refused with MESSAGE_TOO_LARGE and dropped unread. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private final ObjectMapper json;

    public RequestReader(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @throws ProtocolException MESSAGE_TOO_LARGE, or BAD_MESSAGE for anything that is not an envelope
     */
    public SocketRequest read(String text) {
        if (tooLarge(text)) {
            throw new ProtocolException(ProtocolException.MESSAGE_TOO_LARGE, null,
                    "message over " + MAX_MESSAGE_BYTES / 1024 + " KiB dropped");
        }
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (Exception e) {
            throw new ProtocolException(ProtocolException.BAD_MESSAGE, null, "not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ProtocolException(ProtocolException.BAD_MESSAGE, null, "not a JSON object");
        }
        JsonNode id = root.get("id");
        String requestId = id != null && id.isValueNode() && !id.isNull() ? id.asText() : null;
        if (id == null || !id.isTextual()) {
            throw new ProtocolException(ProtocolException.BAD_MESSAGE, requestId, "id must be a string");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException(ProtocolException.BAD_MESSAGE, requestId, "type must be a string");
        }
        JsonNode payload = root.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new ProtocolException(ProtocolException.BAD_MESSAGE, requestId, "payload must be an object");
        }
        return new SocketRequest(requestId, type.asText(), payload);
    }

    private static boolean tooLarge(String text) {
        if (text.length() > MAX_MESSAGE_BYTES) {
            return true; // every char takes at least one UTF-8 byte
        }
        if (text.length() * 3L <= MAX_MESSAGE_BYTES) {
            return false; // and at most three (a surrogate pair: four for two chars)
        }
        return text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES;
    }
}
