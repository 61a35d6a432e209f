package io.parley.media.turn.transport;

import io.parley.media.turn.allocation.Allocation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What the transport loop hands received messages and its lifecycle events to; called on the loop thread only.
 *
 * <p>Buffers passed in belong to the loop and are valid only during the call; the relay path methods may move their
 * position and limit.
 */
public interface TransportHandler {

    /** The allocation of a UDP client, or null; for ChannelData and Send indications arriving over UDP. */
    Allocation udpAllocation(InetSocketAddress client);

    /**
     * A STUN message other than a Send indication, copied to {@code message[0, length)}.
     *
     * @param tcp the connection it came over, or null for UDP
     * @return the response to send back to {@code source}, or null for none
     */
    byte[] onStunMessage(byte[] message, int length, InetSocketAddress source, TcpConnection tcp) throws IOException;

    /** A ChannelData message of the client of {@code a}; the payload is {@code buf[offset, offset + length)}. */
    void onChannelData(Allocation a, int channel, ByteBuffer buf, int offset, int length) throws IOException;

    /** A Send indication of the client of {@code a}, not yet parsed, at {@code buf[offset, offset + length)}. */
    void onSendIndication(Allocation a, ByteBuffer buf, int offset, int length) throws IOException;

    /**
     * A datagram from {@code peer} to the relay socket of {@code a}; the payload is {@code buf[offset, offset +
     * length)} with {@link TransportLoop#HEADROOM} free bytes in front of it for a header.
     */
    void onPeerDatagram(Allocation a, InetSocketAddress peer, ByteBuffer buf, int offset, int length)
            throws IOException;

    /** A client TCP connection was closed, by either side. */
    void onConnectionClosed(TcpConnection c);

    /** Periodic housekeeping, about every 250 ms; {@code now} is System.nanoTime. */
    void onSweep(long now);

    /** The loop is stopping; release what the handler holds before the listeners close. */
    void onStopped();
}
