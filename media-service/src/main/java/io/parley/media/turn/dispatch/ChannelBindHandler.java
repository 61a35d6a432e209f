package io.parley.media.turn.dispatch;

import io.parley.media.turn.Stun;
import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.StunCodec;
import io.parley.media.turn.StunMessage;
import io.parley.media.turn.StunResponses;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.TurnServerConfig;
import io.parley.media.turn.allocation.Allocation;
import io.parley.media.turn.allocation.AllocationTable;
import io.parley.media.turn.auth.AuthResult.Authenticated;
import java.net.InetSocketAddress;
import java.util.List;

/** Handles a ChannelBind request (RFC 8656 12.2): binds or refreshes a channel number to a peer, and its permission. */
final class ChannelBindHandler {
    private final AllocationTable allocations;
    private final PeerPolicy peers;
    private final Refusals refusals;
    private final int maxChannel;

    ChannelBindHandler(TurnServerConfig config, AllocationTable allocations, PeerPolicy peers, Refusals refusals) {
        this.allocations = allocations;
        this.peers = peers;
        this.refusals = refusals;
        this.maxChannel = config.legacyChannelNumbers() ? 0x7FFF : Stun.CHANNEL_MAX;
    }

    byte[] handle(StunMessage req, Authenticated auth, Allocation a) {
        StunAttribute chAttr = req.attribute(Stun.ATTR_CHANNEL_NUMBER);
        StunAttribute peerAttr = req.attribute(Stun.ATTR_XOR_PEER_ADDRESS);
        InetSocketAddress peer = peerAttr == null ? null : peerAttr.asXorAddress(req.transactionId());
        int number = chAttr == null || chAttr.value().length != 4 ? -1 : StunCodec.getShort(chAttr.value(), 0);
        if (peer == null || number < Stun.CHANNEL_MIN || number > maxChannel) {
            return refusals.refuse(req, Refusal.BAD_REQUEST, Stun.ERR_BAD_REQUEST, auth.key());
        }
        byte[] refusal = peers.refusal(req, auth, peer.getAddress());
        if (refusal != null) {
            return refusal;
        }
        long now = System.nanoTime();
        Allocation.Binding byNumber = a.channel(number);
        Allocation.Binding byPeer = a.channelForPeer(peer);
        // RFC 8656 12.2: a channel may only be refreshed with the same peer, and a peer may hold only one channel.
        if (byNumber != byPeer) {
            return refusals.refuse(req, Refusal.BAD_REQUEST, Stun.ERR_BAD_REQUEST, auth.key());
        }
        if (byNumber == null) {
            if (a.channelCount() > maxChannel - Stun.CHANNEL_MIN) {
                return refusals.refuse(req, Refusal.CAPACITY, Stun.ERR_INSUFFICIENT_CAPACITY, auth.key());
            }
            a.bind(number, peer, allocations.channelExpiry(now));
        } else {
            byNumber.refresh(allocations.channelExpiry(now));
        }
        a.permit(peer.getAddress(), allocations.permissionExpiry(now));
        return StunResponses.success(req, auth.key(), List.of());
    }
}
