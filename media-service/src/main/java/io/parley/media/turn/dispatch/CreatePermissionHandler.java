package io.parley.media.turn.dispatch;

import io.parley.media.turn.Stun;
import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.StunMessage;
import io.parley.media.turn.StunResponses;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.allocation.Allocation;
import io.parley.media.turn.allocation.AllocationTable;
import io.parley.media.turn.auth.AuthResult.Authenticated;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Handles a CreatePermission request (RFC 8656 9): installs or refreshes a permission for every peer it names. */
final class CreatePermissionHandler {
    private final AllocationTable allocations;
    private final PeerPolicy peers;
    private final Refusals refusals;

    CreatePermissionHandler(AllocationTable allocations, PeerPolicy peers, Refusals refusals) {
        this.allocations = allocations;
        this.peers = peers;
        this.refusals = refusals;
    }

    byte[] handle(StunMessage req, Authenticated auth, Allocation a) {
        List<InetAddress> named = new ArrayList<>();
        for (StunAttribute attr : req.attributes()) {
            if (attr.type() != Stun.ATTR_XOR_PEER_ADDRESS) {
                continue;
            }
            InetSocketAddress peer = attr.asXorAddress(req.transactionId());
            if (peer == null) {
                return refusals.refuse(req, Refusal.BAD_REQUEST, Stun.ERR_BAD_REQUEST, auth.key());
            }
            byte[] refusal = peers.refusal(req, auth, peer.getAddress());
            if (refusal != null) {
                return refusal;
            }
            named.add(peer.getAddress());
        }
        if (named.isEmpty()) {
            return refusals.refuse(req, Refusal.BAD_REQUEST, Stun.ERR_BAD_REQUEST, auth.key());
        }
        if (!a.hasRoomForPermissions(named.size())) {
            return refusals.refuse(req, Refusal.CAPACITY, Stun.ERR_INSUFFICIENT_CAPACITY, auth.key());
        }
        long expires = allocations.permissionExpiry(System.nanoTime());
        for (InetAddress p : named) {
            a.permit(p, expires);
        }
        return StunResponses.success(req, auth.key(), List.of());
    }
}
