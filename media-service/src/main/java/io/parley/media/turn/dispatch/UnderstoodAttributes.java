package io.parley.media.turn.dispatch;

import io.parley.media.turn.Stun;
import java.util.Set;

/** The comprehension-required attribute types this server understands; any other one makes a request fail (420). */
final class UnderstoodAttributes {
    private static final Set<Integer> UNDERSTOOD = Set.of(Stun.ATTR_USERNAME, Stun.ATTR_MESSAGE_INTEGRITY,
            Stun.ATTR_REALM, Stun.ATTR_NONCE, Stun.ATTR_LIFETIME, Stun.ATTR_XOR_PEER_ADDRESS, Stun.ATTR_DATA,
            Stun.ATTR_CHANNEL_NUMBER, Stun.ATTR_REQUESTED_TRANSPORT, Stun.ATTR_REQUESTED_ADDRESS_FAMILY,
            Stun.ATTR_ERROR_CODE, Stun.ATTR_MESSAGE_INTEGRITY_SHA256, Stun.ATTR_USERHASH, Stun.ATTR_EVEN_PORT,
            Stun.ATTR_RESERVATION_TOKEN,
            0x0024 /* PRIORITY */, 0x0025 /* USE-CANDIDATE */);

    private UnderstoodAttributes() {
    }

    /** True for a comprehension-required type (below 0x8000) that this server does not understand. */
    static boolean isUnknownRequired(int type) {
        return type < 0x8000 && !UNDERSTOOD.contains(type);
    }
}
