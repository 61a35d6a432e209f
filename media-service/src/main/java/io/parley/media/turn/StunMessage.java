package io.parley.media.turn;

import java.util.Arrays;
import java.util.List;

/** A decoded or to-be-encoded STUN message: 14-bit type, 96-bit transaction id and ordered attributes. */
public record StunMessage(int type, byte[] transactionId, List<StunAttribute> attributes) {

    public StunMessage {
        if (transactionId == null || transactionId.length != 12) {
            throw new IllegalArgumentException("transaction id must be 12 bytes");
        }
        attributes = List.copyOf(attributes);
    }

    public int method() {
        return Stun.method(type);
    }

    public int messageClass() {
        return Stun.messageClass(type);
    }

    /** First attribute of the given type, or null; RFC 8489 says later duplicates are ignored. */
    public StunAttribute attribute(int attrType) {
        for (StunAttribute a : attributes) {
            if (a.type() == attrType) {
                return a;
            }
        }
        return null;
    }

    public boolean has(int attrType) {
        return attribute(attrType) != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StunMessage m && m.type == type && Arrays.equals(m.transactionId, transactionId)
                && m.attributes.equals(attributes);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(transactionId);
    }

    @Override
    public String toString() {
        return String.format("StunMessage[type=0x%04X, attrs=%s]", type, attributes);
    }
}
