package io.parley.media.turn.allocation;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/** Hands out UDP relay sockets bound to ports within the configured range; confined to the event loop. */
final class RelayPortPool {
    private final InetAddress address;
    private final int min;
    private final int max;
    private final BitSet used = new BitSet();
    private int cursor;

    RelayPortPool(InetAddress address, int min, int max) {
        this.address = address;
        this.min = min;
        this.max = max;
        // Starting at a random offset makes relay ports less predictable to off-path attackers.
        this.cursor = ThreadLocalRandom.current().nextInt(max - min + 1);
    }

    /** Returns a non-blocking channel bound inside the range, or null when every port is taken. */
    DatagramChannel open() throws IOException {
        DatagramChannel[] one = open(false, false);
        return one == null ? null : one[0];
    }

    /**
     * Opens a relay socket, optionally on an even port and optionally together with the next (odd) port, as
     * RFC 8656 EVEN-PORT asks for RTP/RTCP pairs; returns null when the range has no suitable ports left.
     */
    DatagramChannel[] open(boolean even, boolean withNext) throws IOException {
        int size = max - min + 1;
        for (int i = 0; i < size; i++) {
            int port = min + (cursor + i) % size;
            if (used.get(port) || (even && (port & 1) != 0) || (withNext && (port + 1 > max || used.get(port + 1)))) {
                continue;
            }
            DatagramChannel first = bind(port);
            if (first == null) {
                continue;
            }
            DatagramChannel second = null;
            if (withNext) {
                second = bind(port + 1);
                if (second == null) {
                    first.close();
                    continue;
                }
                used.set(port + 1);
            }
            used.set(port);
            cursor = (cursor + i + 1) % size;
            return withNext ? new DatagramChannel[] {first, second} : new DatagramChannel[] {first};
        }
        return null;
    }

    private DatagramChannel bind(int port) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            ch.bind(new InetSocketAddress(address, port));
            ch.configureBlocking(false);
            return ch;
        } catch (BindException e) {
            // Another process owns this port; the caller tries the next one.
            ch.close();
            return null;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    void release(int port) {
        used.clear(port);
    }
}
