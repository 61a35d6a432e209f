package io.parley.signaling.call.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.signaling.call.service.CallErrors;

/** Reads the fields of a request payload, refusing missing or wrongly typed ones with INVALID_PAYLOAD. */
final class Requests {

    static final int MAX_TEXT = 60 * 1024;

    private Requests() {
    }

    static String text(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw CallErrors.invalidPayload("'" + field + "' must be a non-empty string");
        }
        if (value.asText().length() > MAX_TEXT) {
            throw CallErrors.invalidPayload("'" + field + "' is too long");
        }
        return value.asText();
    }

    static String optionalText(JsonNode payload, String field, String fallback) {
        JsonNode value = payload.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw CallErrors.invalidPayload("'" + field + "' must be a string");
        }
        return value.asText();
    }

    static boolean bool(JsonNode payload, String field, boolean fallback) {
        JsonNode value = payload.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw CallErrors.invalidPayload("'" + field + "' must be true or false");
        }
        return value.asBoolean();
    }

    static Integer optionalInt(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isInt()) {
            throw CallErrors.invalidPayload("'" + field + "' must be an integer");
        }
        return value.asInt();
    }

    static String sdpType(JsonNode payload) {
        String type = text(payload, "sdpType");
        if (!type.equals("offer") && !type.equals("answer")) {
            throw CallErrors.invalidPayload("'sdpType' must be 'offer' or 'answer'");
        }
        return type;
    }
}
