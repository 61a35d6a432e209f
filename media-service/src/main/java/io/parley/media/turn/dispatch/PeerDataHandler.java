package io.parley.media.turn.dispatch;

import io.parley.media.turn.Stun;
import io.parley.media.turn.TurnMetrics;
import io.parley.media.turn.TurnMetrics.Direction;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.allocation.Allocation;
import io.parley.media.turn.transport.TransportLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Relays a peer's datagram to the client, framed in place as ChannelData when the peer has a live channel and as a
 * Data indication (RFC 8656 11.3) otherwise.
 */
final class PeerDataHandler {
    private static final int DATA_INDICATION = Stun.messageType(Stun.DATA, Stun.CLASS_INDICATION);

    private final TurnMetrics metrics;
    private final TransportLoop transport;
    private final byte[] indicationTxId = new byte[12];
    private final long indicationTxIdLow;
    private long indicationCounter;

    PeerDataHandler(TurnMetrics metrics, TransportLoop transport) {
        this.metrics = metrics;
        this.transport = transport;
        new SecureRandom().nextBytes(indicationTxId);
        this.indicationTxIdLow = bytesToLong(indicationTxId);
    }

    /** Relays {@code buf[off, off + len)}; the bytes before {@code off} are free for the header. */
    void relay(Allocation a, InetSocketAddress src, ByteBuffer buf, int off, int len) throws IOException {
        long now = System.nanoTime();
        if (!a.hasPermission(src.getAddress(), now)) {
            metrics.refused(Refusal.NO_PERMISSION);
            return;
        }
        if (!a.bandwidth().tryConsume(len, now)) {
            metrics.refused(Refusal.BANDWIDTH);
            return;
        }
        Allocation.Binding b = a.channelForPeer(src);
        int start;
        int end = off + len;
        if (b != null && b.isLive(now)) {
            start = off - 4;
            buf.putShort(start, (short) b.number());
            buf.putShort(start + 2, (short) len);
            if (a.tcp() != null) {
                // RFC 8656 section 12.5: over stream transports ChannelData is padded to a multiple of 4.
                while (((end - start) & 3) != 0) {
                    buf.put(end++, (byte) 0);
                }
            }
        } else {
            end = writeDataIndicationHeader(buf, src, off, len);
            start = buf.position();
        }
        buf.limit(end).position(start);
        transport.sendToClient(a, buf);
        metrics.relayed(Direction.PEER_TO_CLIENT, len);
    }

    /**
     * Writes a Data indication header in the headroom, ending right before the payload, and pads the payload; leaves
     * the position at the header's start and returns the end.
     */
    private int writeDataIndicationHeader(ByteBuffer buf, InetSocketAddress peer, int off, int len) {
        byte[] ip = peer.getAddress().getAddress();
        int peerAttr = 4 + 4 + ip.length;
        int start = off - (Stun.HEADER_LENGTH + peerAttr + 4);
        int end = off + len;
        while ((end & 3) != 0) {
            buf.put(end++, (byte) 0);
        }
        // Indications need unique but not secret transaction ids, so a counter over a random base suffices.
        long ctr = ++indicationCounter;
        buf.putShort(start, (short) DATA_INDICATION);
        buf.putShort(start + 2, (short) (end - start - Stun.HEADER_LENGTH));
        buf.putInt(start + 4, Stun.MAGIC_COOKIE);
        buf.put(start + 8, indicationTxId, 0, 4);
        buf.putLong(start + 12, ctr ^ indicationTxIdLow);
        int p = start + Stun.HEADER_LENGTH;
        buf.putShort(p, (short) Stun.ATTR_XOR_PEER_ADDRESS);
        buf.putShort(p + 2, (short) (4 + ip.length));
        buf.put(p + 4, (byte) 0);
        buf.put(p + 5, (byte) (ip.length == 4 ? 1 : 2));
        buf.putShort(p + 6, (short) (peer.getPort() ^ (Stun.MAGIC_COOKIE >>> 16)));
        for (int i = 0; i < ip.length; i++) {
            // The XOR mask is the cookie followed by the transaction id, exactly the header bytes 4..19.
            buf.put(p + 8 + i, (byte) (ip[i] ^ buf.get(start + 4 + i)));
        }
        p += peerAttr;
        buf.putShort(p, (short) Stun.ATTR_DATA);
        buf.putShort(p + 2, (short) len);
        buf.position(start);
        return end;
    }

    private static long bytesToLong(byte[] b) {
        long v = 0;
        for (int i = 4; i < 12; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }
}
