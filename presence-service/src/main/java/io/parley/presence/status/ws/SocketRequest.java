package io.parley.presence.status.ws;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A client request that passed envelope validation: {@code {id, type, payload}} with a string id and
 * type and an object payload.
 */
public record SocketRequest(String id, String type, JsonNode payload) {

    /** A refusal of this request. */
    public ProtocolException refuse(String code, String message) {
        return new ProtocolException(code, id, message);
    }
}
