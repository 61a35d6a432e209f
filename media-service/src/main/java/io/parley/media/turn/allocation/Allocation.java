package io.parley.media.turn.allocation;

import io.parley.media.turn.TokenBucket;
import io.parley.media.turn.transport.TcpConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** State of one TURN allocation (relay socket, lifetime, permissions, channels, bandwidth); confined to the event loop. */
public final class Allocation {
    /** Permissions one allocation may hold at once (each CreatePermission may add several). */
    public static final int MAX_PERMISSIONS = 256;

    /** A channel number bound to a peer transport address until {@code expiresAt} (System.nanoTime based). */
    public static final class Binding {
        private final int number;
        private final InetSocketAddress peer;
        private long expiresAt;

        Binding(int number, InetSocketAddress peer, long expiresAt) {
            this.number = number;
            this.peer = peer;
            this.expiresAt = expiresAt;
        }

        public int number() {
            return number;
        }

        public InetSocketAddress peer() {
            return peer;
        }

        /** True while the binding has not expired at {@code now}. */
        public boolean isLive(long now) {
            return expiresAt - now > 0;
        }

        public void refresh(long expiresAt) {
            this.expiresAt = expiresAt;
        }
    }

    private final InetSocketAddress client;
    private final TcpConnection tcp;
    private final DatagramChannel relay;
    private final InetSocketAddress relayAddress;
    private final String username;
    private final String userId;
    private final byte[] allocateTransactionId;
    private final TokenBucket bandwidth;
    private final Map<InetAddress, long[]> permissions = new HashMap<>();
    private byte[] allocateResponse;
    private long expiresAt;
    // A short array beats a map here: clients bind few channels and this is scanned per relayed packet.
    private Binding[] bindings = new Binding[4];
    private int bindingCount;

    public Allocation(InetSocketAddress client, TcpConnection tcp, DatagramChannel relay, InetSocketAddress relayAddress,
            String username, String userId, byte[] allocateTransactionId, TokenBucket bandwidth) {
        this.client = client;
        this.tcp = tcp;
        this.relay = relay;
        this.relayAddress = relayAddress;
        this.username = username;
        this.userId = userId;
        this.allocateTransactionId = allocateTransactionId;
        this.bandwidth = bandwidth;
    }

    /** The client's transport address (for TCP, the connection's remote address). */
    public InetSocketAddress client() {
        return client;
    }

    /** The client's TCP connection, or null when the client speaks UDP. */
    public TcpConnection tcp() {
        return tcp;
    }

    public DatagramChannel relay() {
        return relay;
    }

    public InetSocketAddress relayAddress() {
        return relayAddress;
    }

    public String username() {
        return username;
    }

    public String userId() {
        return userId;
    }

    public byte[] allocateTransactionId() {
        return allocateTransactionId;
    }

    /** The per-allocation bandwidth limit, shared by both relay directions. */
    public TokenBucket bandwidth() {
        return bandwidth;
    }

    /** The success response to the Allocate that created this allocation, replayed for retransmissions. */
    public byte[] allocateResponse() {
        return allocateResponse;
    }

    public void allocateResponse(byte[] response) {
        this.allocateResponse = response;
    }

    public void expiresAt(long nanos) {
        this.expiresAt = nanos;
    }

    boolean isExpired(long now) {
        return expiresAt - now <= 0;
    }

    public boolean hasPermission(InetAddress peer, long now) {
        long[] exp = permissions.get(peer);
        return exp != null && exp[0] - now > 0;
    }

    /** Whether {@code more} new permissions would still fit under {@link #MAX_PERMISSIONS}. */
    public boolean hasRoomForPermissions(int more) {
        return permissions.size() + more <= MAX_PERMISSIONS;
    }

    public void permit(InetAddress peer, long expiresAt) {
        long[] exp = permissions.get(peer);
        if (exp == null) {
            permissions.put(peer, new long[] {expiresAt});
        } else {
            exp[0] = expiresAt;
        }
    }

    public Binding channel(int number) {
        for (int i = 0; i < bindingCount; i++) {
            if (bindings[i].number == number) {
                return bindings[i];
            }
        }
        return null;
    }

    public Binding channelForPeer(InetSocketAddress peer) {
        for (int i = 0; i < bindingCount; i++) {
            if (bindings[i].peer.equals(peer)) {
                return bindings[i];
            }
        }
        return null;
    }

    public void bind(int number, InetSocketAddress peer, long expiresAt) {
        if (bindingCount == bindings.length) {
            Binding[] grown = new Binding[bindings.length * 2];
            System.arraycopy(bindings, 0, grown, 0, bindingCount);
            bindings = grown;
        }
        bindings[bindingCount++] = new Binding(number, peer, expiresAt);
    }

    public int channelCount() {
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
