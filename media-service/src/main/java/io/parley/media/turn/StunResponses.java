package io.parley.media.turn;

import java.util.ArrayList;
import java.util.List;

/** Encodes the success and error responses to a STUN request, with MESSAGE-INTEGRITY when given a key and FINGERPRINT. */
public final class StunResponses {
    private StunResponses() {
    }

    /** A success response to {@code req} carrying {@code attrs}; {@code key} may be null for no integrity. */
    public static byte[] success(StunMessage req, byte[] key, List<StunAttribute> attrs) {
        StunMessage resp = new StunMessage(Stun.messageType(req.method(), Stun.CLASS_SUCCESS), req.transactionId(), attrs);
        return StunCodec.encode(resp, key, true);
    }

    /** An error response with {@code code} and its reason phrase, then {@code extra}; {@code key} may be null. */
    public static byte[] error(StunMessage req, int code, byte[] key, List<StunAttribute> extra) {
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(StunAttribute.errorCode(code, Stun.reason(code)));
        attrs.addAll(extra);
        StunMessage resp = new StunMessage(Stun.messageType(req.method(), Stun.CLASS_ERROR), req.transactionId(), attrs);
        return StunCodec.encode(resp, key, true);
    }
}
