package io.parley.admin.webrtc.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Which ICE candidates browsers may use (RTCConfiguration.iceTransportPolicy). */
public enum IceTransportPolicy {
    /** Any candidate: host, server-reflexive (STUN) and relay (TURN). */
    ALL("all"),
    /** Relay candidates only: media always goes through a TURN server (hides users' addresses from each other). */
    RELAY("relay");

    private final String value;

    IceTransportPolicy(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    public static Optional<IceTransportPolicy> parse(String value) {
        return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
    }
}
