package io.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's payload object with typed field readers; a field that is missing, of the wrong type or out of
 * bounds is refused with INVALID_PAYLOAD naming the field (docs/protocol.md, "Envelope").
 */
public final class Payload {

    /** Longest text field (an SDP is the largest one a client sends). */
    public static final int MAX_TEXT = 60 * 1024;

    private final JsonNode node;

    public Payload(JsonNode node) {
        this.node = node;
    }

    /** The payload as JSON, for handlers that need more than these readers. */
    public JsonNode json() {
        return node;
    }

    /** A required, non-blank string. */
    public String text(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw invalid("'" + field + "' must be a non-empty string");
        }
        return bounded(field, value.asText());
    }

    /** A string, or {@code fallback} when the field is absent or null. */
    public String optionalText(String field, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw invalid("'" + field + "' must be a string");
        }
        return bounded(field, value.asText());
    }

    /** A field that must be present, holding a string or null. */
    public String textOrNull(String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw invalid("'" + field + "' is required (a string or null)");
        }
        if (value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid("'" + field + "' must be a string or null");
        }
        return bounded(field, value.asText());
    }

    /** A boolean, or {@code fallback} when the field is absent or null. */
    public boolean bool(String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw invalid("'" + field + "' must be true or false");
        }
        return value.asBoolean();
    }

    /** An integer, or null when the field is absent or null. */
    public Integer optionalInt(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isInt()) {
            throw invalid("'" + field + "' must be an integer");
        }
        return value.asInt();
    }

    /**
     * An optional object of at most {@code max} entries whose values are non-negative integers (e.g. callId to
     * sequence number); empty when absent or null.
     */
    public java.util.Map<String, Long> countsByKey(String field, int max) {
        JsonNode values = node.get(field);
        if (values == null || values.isNull()) {
            return java.util.Map.of();
        }
        if (!values.isObject()) {
            throw invalid("'" + field + "' must be an object of non-negative integers");
        }
        if (values.size() > max) {
            throw invalid("'" + field + "': at most " + max + " entries, got " + values.size());
        }
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        var fields = values.fields();
        while (fields.hasNext()) {
            var entry = fields.next();
            if (!entry.getValue().canConvertToLong() || !entry.getValue().isIntegralNumber() || entry.getValue().asLong() < 0) {
                throw invalid("'" + field + "." + bounded(field, entry.getKey()) + "' must be a non-negative integer");
            }
            counts.put(bounded(field, entry.getKey()), entry.getValue().asLong());
        }
        return counts;
    }

    /** A required list of at most {@code max} strings. */
    public List<String> textList(String field, int max) {
        JsonNode values = node.get(field);
        if (values == null || values.isNull()) {
            throw invalid("'" + field + "' is required (a list of strings)");
        }
        if (!values.isArray()) {
            throw invalid("'" + field + "' must be a list of strings");
        }
        if (values.size() > max) {
            throw invalid("'" + field + "': at most " + max + " entries, got " + values.size());
        }
        List<String> list = new ArrayList<>(values.size());
        for (JsonNode value : values) {
            if (!value.isTextual()) {
                throw invalid("'" + field + "' must be a list of strings");
            }
            list.add(bounded(field, value.asText()));
        }
        return list;
    }

    /** One of {@code allowed}, required. */
    public String oneOf(String field, String... allowed) {
        String value = text(field);
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        throw invalid("'" + field + "' must be one of " + String.join(", ", allowed));
    }

    private static String bounded(String field, String value) {
        if (value.length() > MAX_TEXT) {
            throw invalid("'" + field + "' is too long");
        }
        return value;
    }

    /** The refusal of a payload field, for checks these readers do not cover. */
    public static ApiException invalid(String message) {
        return new ApiException(ErrorCode.INVALID_PAYLOAD, message);
    }
}
