package io.parley.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the envelopes {@code {id, type, payload}} a server sends (docs/protocol.md, "Envelope"): replies with
 * the request's id, events with a server id unique across instances (a random prefix per writer and a counter).
 */
public final class EnvelopeWriter {

    private final ObjectMapper json;
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public EnvelopeWriter(ObjectMapper json) {
        this.json = json;
        this.prefix = "e-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    /** A server event. */
    public String event(String type, Object payload) {
        return envelope(prefix + counter.incrementAndGet(), type, payload);
    }

    /** The reply to request {@code requestId} (null when the client sent no id). */
    public String ack(String requestId, Object payload) {
        return envelope(requestId, "ack", payload);
    }

    /** An error reply; {@code requestId} may be null when the request could not be read. */
    public String error(String requestId, ApiError error) {
        return envelope(requestId, "error", error);
    }

    /** An error reply for a refusal. */
    public String error(String requestId, ApiException refusal, String correlationId) {
        return error(requestId, new ApiError(refusal.errorCode(), refusal.getMessage(), correlationId));
    }

    /** The error reply for a server fault: no detail but the correlation id the log line carries too. */
    public String internalError(String requestId, String correlationId) {
        return error(requestId, new ApiError(ErrorCode.INTERNAL, "internal error; quote correlation id " + correlationId,
                correlationId));
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
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh correlation id for an error reply and its log line. */
    public static String correlationId() {
        return UUID.randomUUID().toString();
    }
}
