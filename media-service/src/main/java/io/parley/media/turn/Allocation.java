package io.parley.media.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** State of one TURN allocation (relay socket, permissions, channels, limits); confined to the server's event loop. */
final class Allocation {

    /** A channel number bound to a peer transport address until {@code expiresAt} (System.nanoTime based). */
    static final class Binding {
        final int number;
        final InetSocketAddress peer;
        long expiresAt;

        Binding(int number, InetSocketAddress peer, long expiresAt) {
            this.number = number;
            this.peer = peer;
            this.expiresAt = expiresAt;
        }
    }

    final InetSocketAddress client;
    final TcpConnection tcp;
    final DatagramChannel relay;
    final InetSocketAddress relayAddress;
    final String username;
    final String userId;
    final byte[] key;
    final byte[] allocateTransactionId;
    final TokenBucket bandwidth;
    final Map<InetAddress, long[]> permissions = new HashMap<>();
    byte[] allocateResponse;
    long expiresAt;
    boolean backlog;
    int wakeups;
    // A short array beats a map here: clients bind few channels and this is scanned per relayed packet.
    private Binding[] bindings = new Binding[4];
    private int bindingCount;

    Allocation(InetSocketAddress client, TcpConnection tcp, DatagramChannel relay, InetSocketAddress relayAddress,
            String username, String userId, byte[] key, byte[] allocateTransactionId, TokenBucket bandwidth) {
        this.client = client;
        this.tcp = tcp;
        this.relay = relay;
        this.relayAddress = relayAddress;
        this.username = username;
        this.userId = userId;
        this.key = key;
        this.allocateTransactionId = allocateTransactionId;
        this.bandwidth = bandwidth;
    }

    boolean hasPermission(InetAddress peer, long now) {
        long[] exp = permissions.get(peer);
        return exp != null && exp[0] - now > 0;
    }

    void permit(InetAddress peer, long expiresAt) {
        long[] exp = permissions.get(peer);
        if (exp == null) {
            permissions.put(peer, new long[] {expiresAt});
        } else {
            exp[0] = expiresAt;
        }
    }

    Binding channel(int number) {
        for (int i = 0; i < bindingCount; i++) {
            if (bindings[i].number == number) {
                return bindings[i];
            }
        }
        return null;
    }

    Binding channelForPeer(InetSocketAddress peer) {
        for (int i = 0; i < bindingCount; i++) {
            if (bindings[i].peer.equals(peer)) {
                return bindings[i];
            }
        }
        return null;
    }

    void bind(int number, InetSocketAddress peer, long expiresAt) {
        if (bindingCount == bindings.length) {
            Binding[] grown = new Binding[bindings.length * 2];
            System.arraycopy(bindings, 0, grown, 0, bindingCount);
            bindings = grown;
        }
        bindings[bindingCount++] = new Binding(number, peer, expiresAt);
    }

    int channelCount() {
        return bindingCount;
    }

    /** Drops expired permissions and channel bindings. */
    void sweep(long now) {
        for (Iterator<long[]> it = permissions.values().iterator(); it.hasNext();) {
            if (it.next()[0] - now <= 0) {
                it.remove();
            }
        }
        for (int i = 0; i < bindingCount;) {
            if (bindings[i].expiresAt - now <= 0) {
                bindings[i] = bindings[--bindingCount];
                bindings[bindingCount] = null;
            } else {
                i++;
            }
        }
    }
}
