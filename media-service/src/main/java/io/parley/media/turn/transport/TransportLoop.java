package io.parley.media.turn.transport;

import static io.parley.media.turn.transport.Sockets.closeQuietly;

import io.parley.media.turn.Stun;
import io.parley.media.turn.StunCodec;
import io.parley.media.turn.TurnMetrics;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.TurnServerConfig;
import io.parley.media.turn.allocation.Allocation;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The relay's one NIO event loop: the selector, the UDP and TCP client listeners with their framing, the relay sockets'
 * reads, per-connection buffers and limits; what it receives goes to a {@link TransportHandler}.
 *
 * <p>All protocol state lives on this single loop thread, so the hot relay path takes no locks and allocates almost
 * nothing; datagrams are received into one direct buffer and relayed from it in place.
 */
public final class TransportLoop {
    /** Room in front of a received peer payload for the largest Data indication header (IPv6 peer). */
    public static final int HEADROOM = Stun.HEADER_LENGTH + 24 + 4;

    private static final Object UDP_LISTENER = new Object();
    private static final Object TCP_LISTENER = new Object();
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long TCP_IDLE_NANOS = TimeUnit.SECONDS.toNanos(60);
    // A shared ephemeral port is retried a few times: the number the kernel picked for UDP may be in use for TCP.
    private static final int SHARED_EPHEMERAL_ATTEMPTS = 10;
    private static final int SEND_INDICATION = Stun.messageType(Stun.SEND, Stun.CLASS_INDICATION);

    private final TurnServerConfig config;
    private final TurnMetrics metrics;

    // Event-loop confined state.
    private final Set<TcpConnection> connections = new HashSet<>();
    private final ByteBuffer rx = ByteBuffer.allocateDirect(HEADROOM + 65536);
    private final byte[] control = new byte[TcpConnection.MAX_FRAME];
    private final ReadBudget udpReads = new ReadBudget();
    private TransportHandler handler;

    private Selector selector;
    private DatagramChannel udp;
    private ServerSocketChannel tcpListener;
    private Thread loop;
    private volatile boolean running;
    private volatile int udpPort = -1;
    private volatile int tcpPort = -1;

    /** A relay socket's selection key attachment: its allocation and its read batching. */
    private static final class RelaySocket {
        final Allocation allocation;
        final ReadBudget reads = new ReadBudget();

        RelaySocket(Allocation allocation) {
            this.allocation = allocation;
        }
    }

    public TransportLoop(TurnServerConfig config, TurnMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Binds the listeners and starts the loop thread; bound ports are available when this returns.
     *
     * @throws BindException naming the transport, address and port when a listener cannot be bound
     */
    public void start(TransportHandler handler) throws IOException {
        if (loop != null) {
            throw new IllegalStateException("already started");
        }
        this.handler = handler;
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

    /** True from a successful {@link #start} until {@link #close()} or until the loop fails. */
    public boolean isRunning() {
        return running;
    }

    /** Stops the loop and waits (up to 5 s) until it has released everything. */
    public void close() {
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

    /** Starts reading a new allocation's relay socket; its datagrams go to {@link TransportHandler#onPeerDatagram}. */
    public void register(DatagramChannel relay, Allocation a) throws IOException {
        relay.register(selector, SelectionKey.OP_READ, new RelaySocket(a));
    }

    private void runLoop() {
        long nextSweep = System.nanoTime() + SWEEP_NANOS;
        try {
            while (running) {
                selector.select(this::onReady, 250);
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    handler.onSweep(now);
                    closeIdleConnections(now);
                    nextSweep = now + SWEEP_NANOS;
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.error("TURN event loop failed; the relay is down", e);
        } finally {
            running = false;
            handler.onStopped();
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
            } else if (att instanceof RelaySocket r) {
                readPeerDatagrams(r);
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

    // ---------------------------------------------------------------- UDP

    private void readClientDatagrams() throws IOException {
        int budget = udpReads.next();
        for (int i = 0; i < budget; i++) {
            rx.clear();
            InetSocketAddress src = (InetSocketAddress) udp.receive(rx);
            if (src == null) {
                return;
            }
            udpReads.received(i);
            int n = rx.position();
            if (n < 4) {
                continue;
            }
            int b0 = rx.get(0) & 0xFF;
            if ((b0 & 0xC0) == 0x40) {
                int len = rx.getShort(2) & 0xFFFF;
                if (len <= n - 4) {
                    Allocation a = handler.udpAllocation(src);
                    if (a != null) {
                        handler.onChannelData(a, rx.getShort(0) & 0xFFFF, rx, 4, len);
                    }
                }
            } else if ((b0 & 0xC0) == 0 && n >= Stun.HEADER_LENGTH) {
                if ((rx.getShort(0) & 0xFFFF) == SEND_INDICATION) {
                    Allocation a = handler.udpAllocation(src);
                    if (a != null) {
                        handler.onSendIndication(a, rx, 0, n);
                    }
                } else {
                    rx.get(0, control, 0, n);
                    reply(handler.onStunMessage(control, n, src, null), src, null);
                }
            }
        }
    }

    private void readPeerDatagrams(RelaySocket r) throws IOException {
        Allocation a = r.allocation;
        int budget = r.reads.next();
        for (int i = 0; i < budget; i++) {
            rx.clear().position(HEADROOM);
            InetSocketAddress src = (InetSocketAddress) a.relay().receive(rx);
            if (src == null) {
                return;
            }
            r.reads.received(i);
            handler.onPeerDatagram(a, src, rx, HEADROOM, rx.position() - HEADROOM);
        }
    }

    // ---------------------------------------------------------------- TCP

    private void accept() throws IOException {
        for (int i = 0; i < ReadBudget.BATCH; i++) {
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

    /** Splits the stream into STUN messages and ChannelData frames (RFC 8656 section 12.5) and hands each on. */
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
                Allocation a = c.allocation();
                if (a != null) {
                    int limit = in.limit();
                    handler.onChannelData(a, in.getShort(p) & 0xFFFF, in, p + 4, len);
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
                    Allocation a = c.allocation();
                    if (a != null) {
                        int limit = in.limit();
                        handler.onSendIndication(a, in, p, frame);
                        in.limit(limit);
                    }
                } else {
                    in.get(p, control, 0, frame);
                    reply(handler.onStunMessage(control, frame, c.remote, c), c.remote, c);
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
        handler.onConnectionClosed(c);
    }

    /** Connections that never allocate would otherwise hold a socket forever. */
    private void closeIdleConnections(long now) {
        for (TcpConnection c : new ArrayList<>(connections)) {
            if (c.allocation() == null && now - c.lastActivity > TCP_IDLE_NANOS) {
                closeConnection(c);
            }
        }
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends one relayed frame, {@code buf[position, limit)}, to the client of {@code a}; over TCP a frame that does not
     * fit the connection's queue is dropped and counted as a bandwidth refusal.
     */
    public void sendToClient(Allocation a, ByteBuffer buf) throws IOException {
        if (a.tcp() == null) {
            udp.send(buf, a.client());
        } else if (!a.tcp().write(buf)) {
            metrics.refused(Refusal.BANDWIDTH);
        }
    }

    private void reply(byte[] msg, InetSocketAddress to, TcpConnection tcp) throws IOException {
        if (msg == null) {
            return;
        }
        if (tcp == null) {
            udp.send(ByteBuffer.wrap(msg), to);
        } else {
            tcp.write(ByteBuffer.wrap(msg));
        }
    }
}
