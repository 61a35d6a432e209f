package io.parley.admin.webrtc.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** How browsers bundle media tracks onto transports (RTCConfiguration.bundlePolicy). */
public enum BundlePolicy {
    BALANCED("balanced"),
    MAX_COMPAT("max-compat"),
    MAX_BUNDLE("max-bundle");

    private final String value;

    BundlePolicy(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    public static Optional<BundlePolicy> parse(String value) {
        return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
    }
}
