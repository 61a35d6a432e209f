package io.parley.media.turn.transport;

import io.parley.media.turn.Stun;
import io.parley.media.turn.allocation.Allocation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** One client TCP connection: its framing input buffer and bounded output queue; confined to the event loop. */
public final class TcpConnection {
    // Large enough for the biggest STUN message or padded ChannelData frame.
    static final int MAX_FRAME = 65535 + Stun.HEADER_LENGTH + 4;
    // Caps memory per slow reader; relayed media that does not fit is dropped as UDP would drop it.
    private static final int MAX_QUEUED = 256 * 1024;

    final SocketChannel channel;
    final InetSocketAddress remote;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(4096);
    private ByteBuffer out;
    private Allocation allocation;
    long lastActivity;

    TcpConnection(SocketChannel channel, InetSocketAddress remote, long now) {
        this.channel = channel;
        this.remote = remote;
        this.lastActivity = now;
    }

    /** The allocation made over this connection, or null before the Allocate and after it is deleted. */
    public Allocation allocation() {
        return allocation;
    }

    public void allocation(Allocation allocation) {
        this.allocation = allocation;
    }

    /**
     * Makes room for a frame of the given size, since most connections only ever see small messages. Called
     * while {@link #in} is being read (flipped); the unread bytes move to the new buffer, which is left ready
     * for the next read.
     *
     * @return true if {@link #in} was replaced, so the caller must not compact the old buffer
     */
    boolean ensureInputCapacity(int frame) {
        if (in.capacity() >= frame) {
            return false;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_FRAME, Math.max(frame, in.capacity() * 2)));
        bigger.put(in);
        in = bigger;
        return true;
    }

    /**
     * Writes one whole frame or drops it; a frame is never split across a drop, so the stream stays parseable.
     *
     * @return false if the frame was dropped because the queue is full
     */
    boolean write(ByteBuffer frame) throws IOException {
        if (out == null || out.position() == 0) {
            channel.write(frame);
            if (!frame.hasRemaining()) {
                return true;
            }
            queue(frame);
            return true;
        }
        if (frame.remaining() > MAX_QUEUED - out.position()) {
            return false;
        }
        queue(frame);
        return true;
    }

    private void queue(ByteBuffer frame) {
        if (out == null) {
            out = ByteBuffer.allocate(MAX_QUEUED + MAX_FRAME);
        }
        out.put(frame);
        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    void flush() throws IOException {
        out.flip();
        channel.write(out);
        out.compact();
        if (out.position() == 0) {
            key.interestOps(SelectionKey.OP_READ);
        }
    }
}
