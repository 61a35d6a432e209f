package io.parley.signaling.call.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/** Builds the JSON envelopes {@code {id, type, payload}} the server sends (docs/protocol.md). */
@ApplicationScoped
public class ServerMessages {

    private final ObjectMapper json;
    private final AtomicLong counter = new AtomicLong();

    public ServerMessages(ObjectMapper json) {
        this.json = json;
    }

    /** A server event. */
    public String event(String type, Object payload) {
        return envelope("s-" + counter.incrementAndGet(), type, payload);
    }

    /** The reply to request {@code requestId}. */
    public String ack(String requestId, Object payload) {
        return envelope(requestId, "ack", payload);
    }

    /** An error reply; {@code requestId} may be null when the request could not be read. */
    public String error(String requestId, String code, String message, String correlationId) {
        ObjectNode payload = json.createObjectNode().put("code", code).put("message", message)
                .put("correlationId", correlationId);
        return envelope(requestId, "error", payload);
    }

    private String envelope(String id, String type, Object payload) {
        ObjectNode envelope = json.createObjectNode();
        if (id != null) {
            envelope.put("id", id);
        } else {
            envelope.putNull("id");
        }
        envelope.put("type", type);
        envelope.set("payload", json.valueToTree(payload));
        return envelope.toString();
    }
}
