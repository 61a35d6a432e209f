package io.parley.media.turn.dispatch;

import io.parley.media.turn.Stun;
import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.StunCodec;
import io.parley.media.turn.TurnMetrics;
import io.parley.media.turn.TurnMetrics.Direction;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.allocation.Allocation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Relays the DATA of a client's Send indication to its XOR-PEER-ADDRESS (RFC 8656 11.2), parsing it in place;
 * malformed or unpermitted indications are silently dropped.
 */
final class SendIndicationHandler {
    private final TurnMetrics metrics;

    SendIndicationHandler(TurnMetrics metrics) {
        this.metrics = metrics;
    }

    void relay(Allocation a, ByteBuffer buf, int off, int n) throws IOException {
        int msgLen = buf.getShort(off + 2) & 0xFFFF;
        if (Stun.HEADER_LENGTH + msgLen != n || buf.getInt(off + 4) != Stun.MAGIC_COOKIE) {
            return;
        }
        int pos = off + Stun.HEADER_LENGTH;
        int end = off + n;
        int peerPos = -1;
        int peerLen = 0;
        int dataPos = -1;
        int dataLen = 0;
        while (pos + 4 <= end) {
            int type = buf.getShort(pos) & 0xFFFF;
            int vlen = buf.getShort(pos + 2) & 0xFFFF;
            if (pos + 4 + vlen > end) {
                return;
            }
            if (type == Stun.ATTR_XOR_PEER_ADDRESS && peerPos < 0) {
                peerPos = pos + 4;
                peerLen = vlen;
            } else if (type == Stun.ATTR_DATA && dataPos < 0) {
                dataPos = pos + 4;
                dataLen = vlen;
            } else if (UnderstoodAttributes.isUnknownRequired(type)) {
                return;
            }
            pos += 4 + StunCodec.pad4(vlen);
        }
        if (peerPos < 0 || dataPos < 0) {
            return;
        }
        byte[] value = new byte[peerLen];
        buf.get(peerPos, value, 0, peerLen);
        byte[] txId = new byte[12];
        buf.get(off + 8, txId, 0, 12);
        InetSocketAddress peer = new StunAttribute(Stun.ATTR_XOR_PEER_ADDRESS, value).asXorAddress(txId);
        long now = System.nanoTime();
        if (peer == null || !a.hasPermission(peer.getAddress(), now)) {
            metrics.refused(Refusal.NO_PERMISSION);
            return;
        }
        if (!a.bandwidth().tryConsume(dataLen, now)) {
            metrics.refused(Refusal.BANDWIDTH);
            return;
        }
        buf.limit(dataPos + dataLen).position(dataPos);
        a.relay().send(buf, peer);
        metrics.relayed(Direction.CLIENT_TO_PEER, dataLen);
    }
}
