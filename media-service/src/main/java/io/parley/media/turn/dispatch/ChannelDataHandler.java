package io.parley.media.turn.dispatch;

import io.parley.media.turn.TurnMetrics;
import io.parley.media.turn.TurnMetrics.Direction;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.allocation.Allocation;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Relays a client's ChannelData payload to the peer its channel is bound to (RFC 8656 12.4), in place. */
final class ChannelDataHandler {
    private final TurnMetrics metrics;

    ChannelDataHandler(TurnMetrics metrics) {
        this.metrics = metrics;
    }

    void relay(Allocation a, int channel, ByteBuffer buf, int off, int len) throws IOException {
        Allocation.Binding b = a.channel(channel);
        long now = System.nanoTime();
        if (b == null || !b.isLive(now) || !a.hasPermission(b.peer().getAddress(), now)) {
            metrics.refused(Refusal.NO_PERMISSION);
            return;
        }
        if (!a.bandwidth().tryConsume(len, now)) {
            metrics.refused(Refusal.BANDWIDTH);
            return;
        }
        buf.limit(off + len).position(off);
        a.relay().send(buf, b.peer());
        metrics.relayed(Direction.CLIENT_TO_PEER, len);
    }
}
