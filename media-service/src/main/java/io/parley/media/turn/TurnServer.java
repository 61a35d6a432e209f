package io.parley.media.turn;

import io.parley.common.turn.TurnCredentials;
import io.parley.media.turn.allocation.AllocationTable;
import io.parley.media.turn.auth.Authenticator;
import io.parley.media.turn.dispatch.MessageDispatcher;
import io.parley.media.turn.transport.TransportLoop;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A STUN/TURN relay server (RFC 8489 / RFC 8656, UDP relaying over UDP or TCP client transport) on one NIO event loop.
 *
 * <p>This class wires the parts: {@link TransportLoop} (sockets, framing), {@link MessageDispatcher} (one handler per
 * method), {@link AllocationTable} (allocations and their expiry) and {@link Authenticator} (long-term credentials).
 * All protocol state lives on the single loop thread, so the hot relay path takes no locks and allocates almost
 * nothing; the public methods other than start/close only read volatile snapshots.
 */
public final class TurnServer implements AutoCloseable {
    private final TurnServerConfig config;
    private final TurnMetrics metrics;
    private final Authenticator authenticator;
    private final PeerAddressFilter peerFilter;
    private final TransportLoop transport;
    private volatile AllocationTable allocations;
    private boolean started;

    public TurnServer(TurnServerConfig config, TurnMetrics metrics, Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.authenticator = new Authenticator(config, metrics, clock);
        List<Cidr> allowed = new ArrayList<>();
        config.allowedPeerCidrs().forEach(c -> allowed.add(Cidr.parse(c)));
        this.peerFilter = new PeerAddressFilter(allowed);
        this.transport = new TransportLoop(config, metrics);
    }

    public TurnServer(TurnServerConfig config) {
        this(config, TurnMetrics.NOOP, Clock.systemUTC());
    }

    /**
     * Binds the listeners and starts the event loop; bound ports are available when this returns.
     *
     * @throws BindException naming the transport, address and port when a listener cannot be bound
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        InetAddress relayAddress = InetAddress.getByName(config.relayAddress());
        InetAddress advertisedRelayAddress = config.externalAddress() == null ? relayAddress
                : InetAddress.getByName(config.externalAddress());
        AllocationTable table = new AllocationTable(config, metrics, relayAddress);
        transport.start(new MessageDispatcher(config, metrics, authenticator, table, transport, peerFilter,
                relayAddress, advertisedRelayAddress));
        allocations = table;
        started = true;
    }

    /** Actual UDP port (useful when configured as 0), or -1 when UDP is disabled. */
    public int udpPort() {
        return transport.udpPort();
    }

    /** Actual TCP port (useful when configured as 0), or -1 when TCP is disabled. */
    public int tcpPort() {
        return transport.tcpPort();
    }

    public int activeAllocations() {
        AllocationTable table = allocations;
        return table == null ? 0 : table.active();
    }

    /** True from a successful {@link #start()} until {@link #close()} or until the event loop fails. */
    public boolean isRunning() {
        return transport.isRunning();
    }

    public TurnCredentials credentials() {
        return authenticator.credentials();
    }

    @Override
    public synchronized void close() {
        if (!started) {
            return;
        }
        transport.close();
        started = false;
    }
}
