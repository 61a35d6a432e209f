package io.parley.media.turn.dispatch;

import io.parley.media.turn.Stun;
import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.StunCodec;
import io.parley.media.turn.StunMessage;
import java.net.InetSocketAddress;
import java.util.List;

/** Answers a Binding request with the source's reflexive transport address; needs no credentials (RFC 8489). */
final class BindingHandler {

    byte[] handle(StunMessage req, InetSocketAddress source) {
        StunMessage resp = new StunMessage(Stun.messageType(Stun.BINDING, Stun.CLASS_SUCCESS), req.transactionId(),
                List.of(StunAttribute.xorAddress(Stun.ATTR_XOR_MAPPED_ADDRESS, source, req.transactionId())));
        return StunCodec.encode(resp, null, true);
    }
}
