package io.parley.media.turn;

import io.parley.common.turn.TurnCredentials;
import io.parley.media.turn.TurnMetrics.Direction;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A STUN/TURN relay server (RFC 8489 / RFC 8656, UDP relaying over UDP or TCP client transport) on one NIO event loop.
 *
 * <p>All protocol state lives on the single loop thread, so the hot relay path takes no locks and allocates
 * almost nothing; the public methods other than start/close only read volatile snapshots.
 */
public final class TurnServer implements AutoCloseable {
    private static final Object UDP_LISTENER = new Object();
    private static final Object TCP_LISTENER = new Object();
    // Bounded per-wakeup drain keeps one busy socket from starving the others.
    private static final int BATCH = 64;
    // Room in front of a received peer payload for the largest Data indication header (IPv6 peer).
    private static final int HEADROOM = Stun.HEADER_LENGTH + 24 + 4;
    private static final int MAX_PERMISSIONS = 256;
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long RESERVATION_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long TCP_IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    // A shared ephemeral port is retried a few times: the number the kernel picked for UDP may be in use for TCP.
    private static final int SHARED_EPHEMERAL_ATTEMPTS = 10;
    private static final int SEND_INDICATION = Stun.messageType(Stun.SEND, Stun.CLASS_INDICATION);
    private static final int DATA_INDICATION = Stun.messageType(Stun.DATA, Stun.CLASS_INDICATION);
    private static final Set<Integer> UNDERSTOOD = Set.of(Stun.ATTR_USERNAME, Stun.ATTR_MESSAGE_INTEGRITY,
            Stun.ATTR_REALM, Stun.ATTR_NONCE, Stun.ATTR_LIFETIME, Stun.ATTR_XOR_PEER_ADDRESS, Stun.ATTR_DATA,
            Stun.ATTR_CHANNEL_NUMBER, Stun.ATTR_REQUESTED_TRANSPORT, Stun.ATTR_REQUESTED_ADDRESS_FAMILY,
            Stun.ATTR_ERROR_CODE, Stun.ATTR_MESSAGE_INTEGRITY_SHA256, Stun.ATTR_USERHASH, Stun.ATTR_EVEN_PORT,
            Stun.ATTR_RESERVATION_TOKEN,
            0x0024 /* PRIORITY */, 0x0025 /* USE-CANDIDATE */);

    private final TurnServerConfig config;
    private final TurnMetrics metrics;
    private final TurnCredentials credentials;
    private final NonceManager nonces;
    private final PeerAddressFilter peerFilter;

    // Event-loop confined state.
    private final Map<InetSocketAddress, Allocation> udpAllocations = new HashMap<>();
    private final Set<Allocation> allocations = new HashSet<>();
    private final Set<TcpConnection> connections = new HashSet<>();
    private final Map<String, Integer> allocationsPerUser = new HashMap<>();
    private final Map<InetAddress, TokenBucket> requestBuckets = new HashMap<>();
    private final Map<Long, Reservation> reservations = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ByteBuffer rx = ByteBuffer.allocateDirect(HEADROOM + 65536);
    private final byte[] control = new byte[TcpConnection.MAX_FRAME];
    private final byte[] indicationTxId = new byte[12];
    private long indicationCounter;
    private final long permissionNanos;
    private final long channelNanos;
    private InetAddress relayInetAddress;
    /** What clients are told their relay's address is: the external one behind a 1:1 NAT, else the bound one. */
    private InetAddress advertisedRelayAddress;
    private RelayPortPool ports;

    private Selector selector;
    private DatagramChannel udp;
    private ServerSocketChannel tcpListener;
    private Thread loop;
    private volatile boolean running;
    // Epoll here is level-triggered, so reading a single datagram per wakeup is safe. At low rates that saves
    // the extra receive that would only return EAGAIN; every 8th wakeup probes with a full batch, and a batch
    // that found two or more datagrams keeps batching while the backlog lasts.
    private boolean udpBacklog;
    private int udpWakeups;
    private volatile int activeAllocations;
    private volatile int udpPort = -1;
    private volatile int tcpPort = -1;

    public TurnServer(TurnServerConfig config, TurnMetrics metrics, Clock clock) {
        this.config = config;
        this.metrics = metrics;
        this.credentials = new TurnCredentials(config.sharedSecret(), clock);
        this.nonces = new NonceManager(clock, config.nonceLifetime());
        List<Cidr> allowed = new ArrayList<>();
        config.allowedPeerCidrs().forEach(c -> allowed.add(Cidr.parse(c)));
        this.peerFilter = new PeerAddressFilter(allowed);
        this.permissionNanos = config.permissionLifetime().toNanos();
        this.channelNanos = config.channelLifetime().toNanos();
        new SecureRandom().nextBytes(indicationTxId);
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
        if (loop != null) {
            throw new IllegalStateException("already started");
        }
        relayInetAddress = InetAddress.getByName(config.relayAddress());
        advertisedRelayAddress = config.externalAddress() == null ? relayInetAddress
                : InetAddress.getByName(config.externalAddress());
        ports = new RelayPortPool(relayInetAddress, config.relayPortMin(), config.relayPortMax());
        InetAddress listen = InetAddress.getByName(config.listenAddress());
        selector = Selector.open();
        try {
            bindListeners(listen);
            if (udp != null) {
                udp.register(selector, SelectionKey.OP_READ, UDP_LISTENER);
            }
            if (tcpListener != null) {
                tcpListener.register(selector, SelectionKey.OP_ACCEPT, TCP_LISTENER);
            }
        } catch (IOException e) {
            closeQuietly(udp);
            closeQuietly(tcpListener);
            closeQuietly(selector);
            udp = null;
            tcpListener = null;
            udpPort = -1;
            tcpPort = -1;
            throw e;
        }
        running = true;
        loop = new Thread(this::runLoop, "turn-event-loop");
        loop.setDaemon(true);
        loop.start();
        Log.debugf("TURN server listening on %s udp=%d tcp=%d realm=%s", config.listenAddress(), udpPort, tcpPort,
                config.realm());
    }

    /**
     * Binds UDP and TCP. When both ask for an ephemeral port they get the same number, so that one port can be
     * advertised for both transports as with a fixed port.
     */
    private void bindListeners(InetAddress listen) throws IOException {
        boolean sharedEphemeral = config.udpPort() == 0 && config.tcpPort() == 0;
        for (int attempt = 1;; attempt++) {
            if (config.udpPort() >= 0) {
                udp = DatagramChannel.open();
                udp.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
                udp.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
                try {
                    udp.bind(new InetSocketAddress(listen, config.udpPort()));
                } catch (BindException e) {
                    throw bindFailure("UDP", listen, config.udpPort(), e);
                }
                udp.configureBlocking(false);
                udpPort = ((InetSocketAddress) udp.getLocalAddress()).getPort();
            }
            if (config.tcpPort() >= 0) {
                int port = sharedEphemeral ? udpPort : config.tcpPort();
                tcpListener = ServerSocketChannel.open();
                tcpListener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                try {
                    tcpListener.bind(new InetSocketAddress(listen, port), 1024);
                } catch (BindException e) {
                    closeQuietly(tcpListener);
                    tcpListener = null;
                    if (sharedEphemeral && attempt < SHARED_EPHEMERAL_ATTEMPTS) {
                        closeQuietly(udp);
                        continue;
                    }
                    throw bindFailure("TCP", listen, port, e);
                }
                tcpListener.configureBlocking(false);
                tcpPort = ((InetSocketAddress) tcpListener.getLocalAddress()).getPort();
            }
            return;
        }
    }

    private static BindException bindFailure(String transport, InetAddress listen, int port, BindException cause) {
        BindException e = new BindException(String.format("TURN %s port %d on %s cannot be bound: %s", transport, port,
                listen.getHostAddress(), cause.getMessage()));
        e.initCause(cause);
        return e;
    }

    /** Actual UDP port (useful when configured as 0), or -1 when UDP is disabled. */
    public int udpPort() {
        return udpPort;
    }

    /** Actual TCP port (useful when configured as 0), or -1 when TCP is disabled. */
    public int tcpPort() {
        return tcpPort;
    }

    public int activeAllocations() {
        return activeAllocations;
    }

    /** True from a successful {@link #start()} until {@link #close()} or until the event loop fails. */
    public boolean isRunning() {
        return running;
    }

    public TurnCredentials credentials() {
        return credentials;
    }

    @Override
    public synchronized void close() {
        if (loop == null) {
            return;
        }
        running = false;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop = null;
    }

    private void runLoop() {
        long nextSweep = System.nanoTime() + SWEEP_NANOS;
        try {
            while (running) {
                selector.select(this::onReady, 250);
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + SWEEP_NANOS;
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.error("TURN event loop failed; the relay is down", e);
        } finally {
            running = false;
            for (Allocation a : new ArrayList<>(allocations)) {
                deleteAllocation(a);
            }
            reservations.values().forEach(this::releaseReservation);
            reservations.clear();
            for (TcpConnection c : connections) {
                closeQuietly(c.channel);
            }
            connections.clear();
            closeQuietly(udp);
            closeQuietly(tcpListener);
            closeQuietly(selector);
            Log.info("TURN server stopped");
        }
    }

    private void onReady(SelectionKey key) {
        Object att = key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            if (att == UDP_LISTENER) {
                readClientDatagrams();
            } else if (att instanceof Allocation a) {
                readPeerDatagrams(a);
            } else if (att instanceof TcpConnection c) {
                if (key.isReadable()) {
                    readTcp(c);
                }
                if (key.isValid() && key.isWritable()) {
                    c.flush();
                }
            } else if (att == TCP_LISTENER) {
                accept();
            }
        } catch (IOException e) {
            if (att instanceof TcpConnection c) {
                closeConnection(c);
            } else {
                Log.debug("I/O error", e);
            }
        } catch (RuntimeException e) {
            Log.warn("unexpected error handling packet", e);
            if (att instanceof TcpConnection c) {
                closeConnection(c);
            }
        }
    }

    // ---------------------------------------------------------------- UDP client side

    private void readClientDatagrams() throws IOException {
        int budget = udpBacklog || (++udpWakeups & 7) == 0 ? BATCH : 1;
        udpBacklog = false;
        for (int i = 0; i < budget; i++) {
            rx.clear();
            InetSocketAddress src = (InetSocketAddress) udp.receive(rx);
            if (src == null) {
                return;
            }
            udpBacklog = i > 0;
            int n = rx.position();
            if (n < 4) {
                continue;
            }
            int b0 = rx.get(0) & 0xFF;
            if ((b0 & 0xC0) == 0x40) {
                Allocation a = udpAllocations.get(src);
                int len = rx.getShort(2) & 0xFFFF;
                if (a != null && len <= n - 4) {
                    relayToPeer(a, rx.getShort(0) & 0xFFFF, rx, 4, len);
                }
            } else if ((b0 & 0xC0) == 0 && n >= Stun.HEADER_LENGTH) {
                if ((rx.getShort(0) & 0xFFFF) == SEND_INDICATION) {
                    Allocation a = udpAllocations.get(src);
                    if (a != null) {
                        handleSendIndication(a, rx, 0, n);
                    }
                } else {
                    rx.get(0, control, 0, n);
                    handleStun(control, n, src, null);
                }
            }
        }
    }

    private void sendUdp(byte[] msg, InetSocketAddress to) throws IOException {
        udp.send(ByteBuffer.wrap(msg), to);
    }

    // ---------------------------------------------------------------- TCP client side

    private void accept() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            SocketChannel sc = tcpListener.accept();
            if (sc == null) {
                return;
            }
            sc.configureBlocking(false);
            sc.setOption(StandardSocketOptions.TCP_NODELAY, true);
            TcpConnection c = new TcpConnection(sc, (InetSocketAddress) sc.getRemoteAddress(), System.nanoTime());
            c.key = sc.register(selector, SelectionKey.OP_READ, c);
            connections.add(c);
        }
    }

    private void readTcp(TcpConnection c) throws IOException {
        ByteBuffer in = c.in;
        int r = c.channel.read(in);
        if (r < 0) {
            closeConnection(c);
            return;
        }
        c.lastActivity = System.nanoTime();
        in.flip();
        while (in.remaining() >= 4) {
            int p = in.position();
            int b0 = in.get(p) & 0xFF;
            int frame;
            if ((b0 & 0xC0) == 0x40) {
                int len = in.getShort(p + 2) & 0xFFFF;
                // RFC 8656 section 12.5: over stream transports ChannelData is padded to a multiple of 4.
                frame = StunCodec.pad4(4 + len);
                if (in.remaining() < frame) {
                    if (c.ensureInputCapacity(frame)) {
                        return;
                    }
                    break;
                }
                Allocation a = c.allocation;
                if (a != null) {
                    int limit = in.limit();
                    relayToPeer(a, in.getShort(p) & 0xFFFF, in, p + 4, len);
                    in.limit(limit);
                }
            } else if ((b0 & 0xC0) == 0) {
                if (in.remaining() < Stun.HEADER_LENGTH) {
                    break;
                }
                int msgLen = in.getShort(p + 2) & 0xFFFF;
                if (in.getInt(p + 4) != Stun.MAGIC_COOKIE || (msgLen & 3) != 0) {
                    closeConnection(c);
                    return;
                }
                frame = Stun.HEADER_LENGTH + msgLen;
                if (in.remaining() < frame) {
                    if (c.ensureInputCapacity(frame)) {
                        return;
                    }
                    break;
                }
                if ((in.getShort(p) & 0xFFFF) == SEND_INDICATION) {
                    if (c.allocation != null) {
                        int limit = in.limit();
                        handleSendIndication(c.allocation, in, p, frame);
                        in.limit(limit);
                    }
                } else {
                    in.get(p, control, 0, frame);
                    handleStun(control, frame, c.remote, c);
                    if (!c.channel.isOpen()) {
                        return;
                    }
                }
            } else {
                // Not STUN and not ChannelData: the stream is unframeable from here on.
                closeConnection(c);
                return;
            }
            in.position(p + frame);
        }
        in.compact();
    }

    private void closeConnection(TcpConnection c) {
        if (!connections.remove(c)) {
            return;
        }
        closeQuietly(c.channel);
        if (c.allocation != null) {
            deleteAllocation(c.allocation);
        }
    }

    private void sendToClient(Allocation a, ByteBuffer buf) throws IOException {
        if (a.tcp == null) {
            udp.send(buf, a.client);
        } else if (!a.tcp.write(buf)) {
            metrics.refused(Refusal.BANDWIDTH);
        }
    }

    private void reply(byte[] msg, InetSocketAddress to, TcpConnection tcp) throws IOException {
        if (tcp == null) {
            sendUdp(msg, to);
        } else {
            tcp.write(ByteBuffer.wrap(msg));
        }
    }

    // ---------------------------------------------------------------- relay data path

    private void relayToPeer(Allocation a, int channel, ByteBuffer buf, int off, int len) throws IOException {
        Allocation.Binding b = a.channel(channel);
        long now = System.nanoTime();
        if (b == null || b.expiresAt - now <= 0 || !a.hasPermission(b.peer.getAddress(), now)) {
            metrics.refused(Refusal.NO_PERMISSION);
            return;
        }
        if (!a.bandwidth.tryConsume(len, now)) {
            metrics.refused(Refusal.BANDWIDTH);
            return;
        }
        buf.limit(off + len).position(off);
        a.relay.send(buf, b.peer);
        metrics.relayed(Direction.CLIENT_TO_PEER, len);
    }

    /** Parses a Send indication in place; malformed or unpermitted indications are silently dropped (RFC 8656 11.2). */
    private void handleSendIndication(Allocation a, ByteBuffer buf, int off, int n) throws IOException {
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
            } else if (type < 0x8000 && !UNDERSTOOD.contains(type)) {
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
        if (!a.bandwidth.tryConsume(dataLen, now)) {
            metrics.refused(Refusal.BANDWIDTH);
            return;
        }
        buf.limit(dataPos + dataLen).position(dataPos);
        a.relay.send(buf, peer);
        metrics.relayed(Direction.CLIENT_TO_PEER, dataLen);
    }

    private void readPeerDatagrams(Allocation a) throws IOException {
        int budget = a.backlog || (++a.wakeups & 7) == 0 ? BATCH : 1;
        a.backlog = false;
        for (int i = 0; i < budget; i++) {
            rx.clear().position(HEADROOM);
            InetSocketAddress src = (InetSocketAddress) a.relay.receive(rx);
            if (src == null) {
                return;
            }
            a.backlog = i > 0;
            int len = rx.position() - HEADROOM;
            long now = System.nanoTime();
            if (!a.hasPermission(src.getAddress(), now)) {
                metrics.refused(Refusal.NO_PERMISSION);
                continue;
            }
            if (!a.bandwidth.tryConsume(len, now)) {
                metrics.refused(Refusal.BANDWIDTH);
                continue;
            }
            Allocation.Binding b = a.channelForPeer(src);
            int start;
            int end = HEADROOM + len;
            if (b != null && b.expiresAt - now > 0) {
                start = HEADROOM - 4;
                rx.putShort(start, (short) b.number);
                rx.putShort(start + 2, (short) len);
                if (a.tcp != null) {
                    while (((end - start) & 3) != 0) {
                        rx.put(end++, (byte) 0);
                    }
                }
            } else {
                end = writeDataIndicationHeader(src, len);
                start = rx.position();
            }
            rx.limit(end).position(start);
            sendToClient(a, rx);
            metrics.relayed(Direction.PEER_TO_CLIENT, len);
        }
    }

    /** Writes a Data indication header in the headroom before the payload; leaves position at its start. */
    private int writeDataIndicationHeader(InetSocketAddress peer, int len) {
        byte[] ip = peer.getAddress().getAddress();
        int peerAttr = 4 + 4 + ip.length;
        int start = HEADROOM - (Stun.HEADER_LENGTH + peerAttr + 4);
        int end = HEADROOM + len;
        while ((end & 3) != 0) {
            rx.put(end++, (byte) 0);
        }
        // Indications need unique but not secret transaction ids, so a counter over a random base suffices.
        long ctr = ++indicationCounter;
        rx.putShort(start, (short) DATA_INDICATION);
        rx.putShort(start + 2, (short) (end - start - Stun.HEADER_LENGTH));
        rx.putInt(start + 4, Stun.MAGIC_COOKIE);
        rx.put(start + 8, indicationTxId, 0, 4);
        rx.putLong(start + 12, ctr ^ bytesToLong(indicationTxId));
        int p = start + Stun.HEADER_LENGTH;
        rx.putShort(p, (short) Stun.ATTR_XOR_PEER_ADDRESS);
        rx.putShort(p + 2, (short) (4 + ip.length));
        rx.put(p + 4, (byte) 0);
        rx.put(p + 5, (byte) (ip.length == 4 ? 1 : 2));
        rx.putShort(p + 6, (short) (peer.getPort() ^ (Stun.MAGIC_COOKIE >>> 16)));
        for (int i = 0; i < ip.length; i++) {
            // The XOR mask is the cookie followed by the transaction id, exactly the header bytes 4..19.
            rx.put(p + 8 + i, (byte) (ip[i] ^ rx.get(start + 4 + i)));
        }
        p += peerAttr;
        rx.putShort(p, (short) Stun.ATTR_DATA);
        rx.putShort(p + 2, (short) len);
        rx.position(start);
        return end;
    }

    private static long bytesToLong(byte[] b) {
        long v = 0;
        for (int i = 4; i < 12; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    // ---------------------------------------------------------------- control path

    /** A relay port held back for a later Allocate carrying its RESERVATION-TOKEN (RFC 8656 EVEN-PORT R bit). */
    private record Reservation(DatagramChannel channel, long expiresAt) {
    }

    /** Authenticated identity of a request. */
    private record Auth(String username, String userId, byte[] key) {
    }

    private void handleStun(byte[] m, int len, InetSocketAddress src, TcpConnection tcp) throws IOException {
        StunMessage req;
        try {
            req = StunCodec.decode(m, 0, len);
        } catch (StunParseException e) {
            if (len >= Stun.HEADER_LENGTH && (m[0] & 0xC0) == 0 && StunCodec.getInt(m, 4) == Stun.MAGIC_COOKIE
                    && Stun.messageClass(StunCodec.getShort(m, 0)) == Stun.CLASS_REQUEST) {
                byte[] txId = Arrays.copyOfRange(m, 8, 20);
                StunMessage bad = new StunMessage(StunCodec.getShort(m, 0), txId, List.of());
                metrics.refused(Refusal.BAD_REQUEST);
                reply(error(bad, Stun.ERR_BAD_REQUEST, null, List.of()), src, tcp);
            }
            return;
        }
        if (req.messageClass() != Stun.CLASS_REQUEST) {
            return;
        }
        if (config.requestsPerSecondPerSource() > 0) {
            long now = System.nanoTime();
            TokenBucket bucket = requestBuckets.computeIfAbsent(src.getAddress(), k -> new TokenBucket(
                    config.requestsPerSecondPerSource(), config.requestsPerSecondPerSource(), now));
            if (!bucket.tryConsume(1, now)) {
                // Dropping rather than answering avoids becoming a reflector under a flood.
                metrics.refused(Refusal.RATE_LIMITED);
                return;
            }
        }
        List<Integer> unknown = new ArrayList<>();
        for (StunAttribute a : req.attributes()) {
            if (a.type() < 0x8000 && !UNDERSTOOD.contains(a.type()) && !unknown.contains(a.type())) {
                unknown.add(a.type());
            }
        }
        if (!unknown.isEmpty()) {
            byte[] v = new byte[unknown.size() * 2];
            for (int i = 0; i < unknown.size(); i++) {
                StunCodec.putShort(v, i * 2, unknown.get(i));
            }
            metrics.refused(Refusal.UNKNOWN_ATTRIBUTE);
            Log.debugf("unknown comprehension-required attributes %s from %s", unknown, src);
            reply(error(req, Stun.ERR_UNKNOWN_ATTRIBUTE, null,
                    List.of(new StunAttribute(Stun.ATTR_UNKNOWN_ATTRIBUTES, v))), src, tcp);
            return;
        }
        int method = req.method();
        if (method == Stun.BINDING) {
            StunMessage resp = new StunMessage(Stun.messageType(Stun.BINDING, Stun.CLASS_SUCCESS), req.transactionId(),
                    List.of(StunAttribute.xorAddress(Stun.ATTR_XOR_MAPPED_ADDRESS, src, req.transactionId())));
            reply(StunCodec.encode(resp, null, true), src, tcp);
            return;
        }
        if (method != Stun.ALLOCATE && method != Stun.REFRESH && method != Stun.CREATE_PERMISSION
                && method != Stun.CHANNEL_BIND) {
            metrics.refused(Refusal.BAD_REQUEST);
            reply(error(req, Stun.ERR_BAD_REQUEST, null, List.of()), src, tcp);
            return;
        }
        Auth auth = authenticate(req, m, len, src, tcp);
        if (auth == null) {
            return;
        }
        Allocation existing = tcp != null ? tcp.allocation : udpAllocations.get(src);
        byte[] response;
        if (method == Stun.ALLOCATE) {
            response = allocate(req, auth, existing, src, tcp);
        } else if (existing == null) {
            metrics.refused(Refusal.ALLOCATION_MISMATCH);
            response = error(req, Stun.ERR_ALLOCATION_MISMATCH, auth.key(), List.of());
        } else if (!existing.username.equals(auth.username())) {
            metrics.refused(Refusal.WRONG_CREDENTIALS);
            response = error(req, Stun.ERR_WRONG_CREDENTIALS, auth.key(), List.of());
        } else if (method == Stun.REFRESH) {
            response = refresh(req, auth, existing);
        } else if (method == Stun.CREATE_PERMISSION) {
            response = createPermission(req, auth, existing);
        } else {
            response = channelBind(req, auth, existing);
        }
        reply(response, src, tcp);
    }

    /** Long-term credential check (RFC 8489 9.2); on failure sends the challenge or error and returns null. */
    private Auth authenticate(StunMessage req, byte[] raw, int len, InetSocketAddress src, TcpConnection tcp)
            throws IOException {
        StunAttribute mi = req.attribute(Stun.ATTR_MESSAGE_INTEGRITY);
        if (mi == null) {
            reply(challenge(req, Stun.ERR_UNAUTHORIZED), src, tcp);
            return null;
        }
        StunAttribute user = req.attribute(Stun.ATTR_USERNAME);
        StunAttribute realm = req.attribute(Stun.ATTR_REALM);
        StunAttribute nonce = req.attribute(Stun.ATTR_NONCE);
        if (user == null || realm == null || nonce == null) {
            metrics.refused(Refusal.BAD_REQUEST);
            reply(error(req, Stun.ERR_BAD_REQUEST, null, List.of()), src, tcp);
            return null;
        }
        if (nonces.check(nonce.asString()) != NonceManager.Status.VALID) {
            reply(challenge(req, Stun.ERR_STALE_NONCE), src, tcp);
            return null;
        }
        String username = user.asString();
        TurnCredentials.Verification v = credentials.check(username);
        if (!v.valid() || !config.realm().equals(realm.asString())) {
            metrics.authFailure();
            reply(challenge(req, Stun.ERR_UNAUTHORIZED), src, tcp);
            return null;
        }
        byte[] key = TurnCredentials.longTermKey(username, config.realm(), credentials.passwordFor(username));
        if (!StunCodec.verifyIntegrity(raw, 0, len, key)) {
            metrics.authFailure();
            reply(challenge(req, Stun.ERR_UNAUTHORIZED), src, tcp);
            return null;
        }
        return new Auth(username, v.userId(), key);
    }

    private byte[] allocate(StunMessage req, Auth auth, Allocation existing, InetSocketAddress src, TcpConnection tcp)
            throws IOException {
        if (existing != null) {
            if (Arrays.equals(existing.allocateTransactionId, req.transactionId())) {
                // A retransmitted Allocate must get the original answer, not 437 (RFC 8656 7.2).
                return existing.allocateResponse;
            }
            metrics.refused(Refusal.ALLOCATION_MISMATCH);
            return error(req, Stun.ERR_ALLOCATION_MISMATCH, auth.key(), List.of());
        }
        StunAttribute transport = req.attribute(Stun.ATTR_REQUESTED_TRANSPORT);
        if (transport == null || transport.value().length != 4) {
            metrics.refused(Refusal.BAD_REQUEST);
            return error(req, Stun.ERR_BAD_REQUEST, auth.key(), List.of());
        }
        if ((transport.value()[0] & 0xFF) != Stun.TRANSPORT_UDP) {
            metrics.refused(Refusal.UNSUPPORTED_TRANSPORT);
            return error(req, Stun.ERR_UNSUPPORTED_TRANSPORT, auth.key(), List.of());
        }
        StunAttribute family = req.attribute(Stun.ATTR_REQUESTED_ADDRESS_FAMILY);
        if (family != null) {
            int f = family.value().length == 4 ? family.value()[0] : -1;
            boolean relayV4 = relayInetAddress instanceof Inet4Address;
            if (f != 1 && f != 2) {
                metrics.refused(Refusal.BAD_REQUEST);
                return error(req, Stun.ERR_BAD_REQUEST, auth.key(), List.of());
            }
            if ((f == 1) != relayV4) {
                metrics.refused(Refusal.ADDRESS_FAMILY);
                return error(req, Stun.ERR_ADDRESS_FAMILY_NOT_SUPPORTED, auth.key(), List.of());
            }
        }
        int userCount = allocationsPerUser.getOrDefault(auth.userId(), 0);
        if (config.userAllocationQuota() > 0 && userCount >= config.userAllocationQuota()) {
            metrics.refused(Refusal.QUOTA);
            return error(req, Stun.ERR_ALLOCATION_QUOTA, auth.key(), List.of());
        }
        if (config.maxAllocations() > 0 && allocations.size() >= config.maxAllocations()) {
            metrics.refused(Refusal.CAPACITY);
            return error(req, Stun.ERR_INSUFFICIENT_CAPACITY, auth.key(), List.of());
        }
        StunAttribute evenPort = req.attribute(Stun.ATTR_EVEN_PORT);
        StunAttribute token = req.attribute(Stun.ATTR_RESERVATION_TOKEN);
        if ((evenPort != null && (token != null || evenPort.value().length != 1))
                || (token != null && token.value().length != 8)) {
            metrics.refused(Refusal.BAD_REQUEST);
            return error(req, Stun.ERR_BAD_REQUEST, auth.key(), List.of());
        }
        DatagramChannel relay;
        Long newToken = null;
        if (token != null) {
            Reservation r = reservations.remove(java.nio.ByteBuffer.wrap(token.value()).getLong());
            relay = r == null ? null : r.channel();
        } else if (evenPort != null) {
            boolean reserveNext = (evenPort.value()[0] & 0x80) != 0;
            DatagramChannel[] pair = ports.open(true, reserveNext);
            relay = pair == null ? null : pair[0];
            if (reserveNext && pair != null) {
                newToken = random.nextLong();
                reservations.put(newToken, new Reservation(pair[1], System.nanoTime() + RESERVATION_NANOS));
            }
        } else {
            relay = ports.open();
        }
        if (relay == null) {
            metrics.refused(Refusal.CAPACITY);
            return error(req, Stun.ERR_INSUFFICIENT_CAPACITY, auth.key(), List.of());
        }
        InetSocketAddress relayAddr = (InetSocketAddress) relay.getLocalAddress();
        long now = System.nanoTime();
        long bw = config.bandwidthBytesPerSecond();
        Allocation a = new Allocation(src, tcp, relay, relayAddr, auth.username(), auth.userId(), auth.key(),
                req.transactionId(), new TokenBucket(bw, bw, now));
        long lifetime = lifetimeSeconds(req.attribute(Stun.ATTR_LIFETIME));
        a.expiresAt = now + TimeUnit.SECONDS.toNanos(lifetime);
        try {
            relay.register(selector, SelectionKey.OP_READ, a);
        } catch (IOException e) {
            ports.release(relayAddr.getPort());
            closeQuietly(relay);
            throw e;
        }
        allocations.add(a);
        if (tcp != null) {
            tcp.allocation = a;
        } else {
            udpAllocations.put(src, a);
        }
        allocationsPerUser.merge(auth.userId(), 1, Integer::sum);
        activeAllocations = allocations.size();
        metrics.activeAllocations(activeAllocations);
        Log.debugf("allocation %s for %s at %s", relayAddr, auth.userId(), src);
        List<StunAttribute> attrs = new ArrayList<>(List.of(
                StunAttribute.xorAddress(Stun.ATTR_XOR_RELAYED_ADDRESS,
                        new InetSocketAddress(advertisedRelayAddress, relayAddr.getPort()), req.transactionId()),
                StunAttribute.u32(Stun.ATTR_LIFETIME, lifetime),
                StunAttribute.xorAddress(Stun.ATTR_XOR_MAPPED_ADDRESS, src, req.transactionId())));
        if (newToken != null) {
            attrs.add(new StunAttribute(Stun.ATTR_RESERVATION_TOKEN,
                    java.nio.ByteBuffer.allocate(8).putLong(newToken).array()));
        }
        StunMessage resp = new StunMessage(Stun.messageType(Stun.ALLOCATE, Stun.CLASS_SUCCESS), req.transactionId(),
                attrs);
        a.allocateResponse = StunCodec.encode(resp, auth.key(), true);
        return a.allocateResponse;
    }

    /** Requested lifetime clamped to [default, max]; absent means default. */
    private long lifetimeSeconds(StunAttribute attr) {
        long def = config.defaultAllocationLifetime().toSeconds();
        long max = config.maxAllocationLifetime().toSeconds();
        if (attr == null || attr.asU32() < 0) {
            return def;
        }
        return Math.min(max, Math.max(def, attr.asU32()));
    }

    private byte[] refresh(StunMessage req, Auth auth, Allocation a) {
        StunAttribute lt = req.attribute(Stun.ATTR_LIFETIME);
        long lifetime;
        if (lt != null && lt.asU32() == 0) {
            deleteAllocation(a);
            lifetime = 0;
        } else {
            lifetime = lifetimeSeconds(lt);
            a.expiresAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime);
        }
        return success(req, auth, List.of(StunAttribute.u32(Stun.ATTR_LIFETIME, lifetime)));
    }

    private byte[] createPermission(StunMessage req, Auth auth, Allocation a) {
        List<InetAddress> peers = new ArrayList<>();
        for (StunAttribute attr : req.attributes()) {
            if (attr.type() != Stun.ATTR_XOR_PEER_ADDRESS) {
                continue;
            }
            InetSocketAddress peer = attr.asXorAddress(req.transactionId());
            if (peer == null) {
                metrics.refused(Refusal.BAD_REQUEST);
                return error(req, Stun.ERR_BAD_REQUEST, auth.key(), List.of());
            }
            byte[] refusal = checkPeer(req, auth, a, peer.getAddress());
            if (refusal != null) {
                return refusal;
            }
            peers.add(peer.getAddress());
        }
        if (peers.isEmpty()) {
            metrics.refused(Refusal.BAD_REQUEST);
            return error(req, Stun.ERR_BAD_REQUEST, auth.key(), List.of());
        }
        if (a.permissions.size() + peers.size() > MAX_PERMISSIONS) {
            metrics.refused(Refusal.CAPACITY);
            return error(req, Stun.ERR_INSUFFICIENT_CAPACITY, auth.key(), List.of());
        }
        long expires = System.nanoTime() + permissionNanos;
        for (InetAddress p : peers) {
            a.permit(p, expires);
        }
        return success(req, auth, List.of());
    }

    private byte[] checkPeer(StunMessage req, Auth auth, Allocation a, InetAddress peer) {
        if ((peer instanceof Inet4Address) != (relayInetAddress instanceof Inet4Address)) {
            metrics.refused(Refusal.ADDRESS_FAMILY);
            return error(req, Stun.ERR_PEER_ADDRESS_FAMILY_MISMATCH, auth.key(), List.of());
        }
        if (!peerFilter.isAllowed(peer)) {
            metrics.refused(Refusal.FORBIDDEN_PEER);
            return error(req, Stun.ERR_FORBIDDEN, auth.key(), List.of());
        }
        return null;
    }

    private byte[] channelBind(StunMessage req, Auth auth, Allocation a) {
        StunAttribute chAttr = req.attribute(Stun.ATTR_CHANNEL_NUMBER);
        StunAttribute peerAttr = req.attribute(Stun.ATTR_XOR_PEER_ADDRESS);
        InetSocketAddress peer = peerAttr == null ? null : peerAttr.asXorAddress(req.transactionId());
        int number = chAttr == null || chAttr.value().length != 4 ? -1 : StunCodec.getShort(chAttr.value(), 0);
        int maxChannel = config.legacyChannelNumbers() ? 0x7FFF : Stun.CHANNEL_MAX;
        if (peer == null || number < Stun.CHANNEL_MIN || number > maxChannel) {
            metrics.refused(Refusal.BAD_REQUEST);
            return error(req, Stun.ERR_BAD_REQUEST, auth.key(), List.of());
        }
        byte[] refusal = checkPeer(req, auth, a, peer.getAddress());
        if (refusal != null) {
            return refusal;
        }
        long now = System.nanoTime();
        Allocation.Binding byNumber = a.channel(number);
        Allocation.Binding byPeer = a.channelForPeer(peer);
        // RFC 8656 12.2: a channel may only be refreshed with the same peer, and a peer may hold only one channel.
        if (byNumber != byPeer) {
            metrics.refused(Refusal.BAD_REQUEST);
            return error(req, Stun.ERR_BAD_REQUEST, auth.key(), List.of());
        }
        if (byNumber == null) {
            if (a.channelCount() > maxChannel - Stun.CHANNEL_MIN) {
                metrics.refused(Refusal.CAPACITY);
                return error(req, Stun.ERR_INSUFFICIENT_CAPACITY, auth.key(), List.of());
            }
            a.bind(number, peer, now + channelNanos);
        } else {
            byNumber.expiresAt = now + channelNanos;
        }
        a.permit(peer.getAddress(), now + permissionNanos);
        return success(req, auth, List.of());
    }

    private byte[] success(StunMessage req, Auth auth, List<StunAttribute> attrs) {
        StunMessage resp = new StunMessage(Stun.messageType(req.method(), Stun.CLASS_SUCCESS), req.transactionId(), attrs);
        return StunCodec.encode(resp, auth.key(), true);
    }

    private byte[] error(StunMessage req, int code, byte[] key, List<StunAttribute> extra) {
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(StunAttribute.errorCode(code, Stun.reason(code)));
        attrs.addAll(extra);
        StunMessage resp = new StunMessage(Stun.messageType(req.method(), Stun.CLASS_ERROR), req.transactionId(), attrs);
        return StunCodec.encode(resp, key, true);
    }

    private byte[] challenge(StunMessage req, int code) {
        return error(req, code, null, List.of(StunAttribute.string(Stun.ATTR_REALM, config.realm()),
                StunAttribute.string(Stun.ATTR_NONCE, nonces.issue())));
    }

    // ---------------------------------------------------------------- lifecycle of allocations

    private void deleteAllocation(Allocation a) {
        if (!allocations.remove(a)) {
            return;
        }
        if (a.tcp != null) {
            a.tcp.allocation = null;
        } else {
            udpAllocations.remove(a.client);
        }
        allocationsPerUser.computeIfPresent(a.userId, (k, v) -> v > 1 ? v - 1 : null);
        closeQuietly(a.relay);
        ports.release(a.relayAddress.getPort());
        activeAllocations = allocations.size();
        metrics.activeAllocations(activeAllocations);
        Log.debugf("allocation %s deleted", a.relayAddress);
    }

    private void sweep(long now) {
        for (Iterator<Allocation> it = new ArrayList<>(allocations).iterator(); it.hasNext();) {
            Allocation a = it.next();
            if (a.expiresAt - now <= 0) {
                deleteAllocation(a);
            } else {
                a.sweep(now);
            }
        }
        requestBuckets.values().removeIf(b -> b.isFull(now));
        for (Iterator<Reservation> it = reservations.values().iterator(); it.hasNext();) {
            Reservation r = it.next();
            if (r.expiresAt() - now <= 0) {
                it.remove();
                releaseReservation(r);
            }
        }
        for (TcpConnection c : new ArrayList<>(connections)) {
            // Connections that never allocate would otherwise hold a socket forever.
            if (c.allocation == null && now - c.lastActivity > TCP_IDLE_NANOS) {
                closeConnection(c);
            }
        }
    }

    private void releaseReservation(Reservation r) {
        try {
            ports.release(((InetSocketAddress) r.channel().getLocalAddress()).getPort());
        } catch (IOException e) {
            Log.debug("reservation release failed", e);
        }
        closeQuietly(r.channel());
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            Log.debug("close failed", e);
        }
    }
}
