package io.parley.media.turn.dispatch;

import io.parley.media.turn.PeerAddressFilter;
import io.parley.media.turn.Stun;
import io.parley.media.turn.StunMessage;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.auth.AuthResult.Authenticated;
import java.net.Inet4Address;
import java.net.InetAddress;

/** Decides whether a permission or channel may name a peer: same address family as the relay, and not filtered out. */
final class PeerPolicy {
    private final boolean relayIsV4;
    private final PeerAddressFilter filter;
    private final Refusals refusals;

    PeerPolicy(InetAddress relayAddress, PeerAddressFilter filter, Refusals refusals) {
        this.relayIsV4 = relayAddress instanceof Inet4Address;
        this.filter = filter;
        this.refusals = refusals;
    }

    /** The error response refusing {@code peer}, or null when it is acceptable. */
    byte[] refusal(StunMessage req, Authenticated auth, InetAddress peer) {
        if ((peer instanceof Inet4Address) != relayIsV4) {
            return refusals.refuse(req, Refusal.ADDRESS_FAMILY, Stun.ERR_PEER_ADDRESS_FAMILY_MISMATCH, auth.key());
        }
        if (!filter.isAllowed(peer)) {
            return refusals.refuse(req, Refusal.FORBIDDEN_PEER, Stun.ERR_FORBIDDEN, auth.key());
        }
        return null;
    }
}
