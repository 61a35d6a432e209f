package io.parley.media.turn.dispatch;

import io.parley.media.turn.PeerAddressFilter;
import io.parley.media.turn.Stun;
import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.StunCodec;
import io.parley.media.turn.StunMessage;
import io.parley.media.turn.StunParseException;
import io.parley.media.turn.StunResponses;
import io.parley.media.turn.TurnMetrics;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.TurnServerConfig;
import io.parley.media.turn.allocation.Allocation;
import io.parley.media.turn.allocation.AllocationTable;
import io.parley.media.turn.auth.AuthResult;
import io.parley.media.turn.auth.AuthResult.Authenticated;
import io.parley.media.turn.auth.Authenticator;
import io.parley.media.turn.transport.TcpConnection;
import io.parley.media.turn.transport.TransportHandler;
import io.parley.media.turn.transport.TransportLoop;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Routes what the transport loop receives to the handler of its STUN/TURN method or message kind, after the checks
 * every request passes: decoding, the per-source rate limit, unknown attributes, credentials and the allocation.
 */
public final class MessageDispatcher implements TransportHandler {
    private final TurnMetrics metrics;
    private final Authenticator authenticator;
    private final AllocationTable allocations;
    private final RequestRateLimiter rateLimiter;
    private final Refusals refusals;
    private final BindingHandler binding = new BindingHandler();
    private final AllocateHandler allocate;
    private final RefreshHandler refresh;
    private final CreatePermissionHandler createPermission;
    private final ChannelBindHandler channelBind;
    private final ChannelDataHandler channelData;
    private final SendIndicationHandler sendIndication;
    private final PeerDataHandler peerData;

    /**
     * @param relayAddress the address relay sockets are bound to
     * @param advertisedRelayAddress the relay address told to clients (the external one behind a 1:1 NAT)
     */
    public MessageDispatcher(TurnServerConfig config, TurnMetrics metrics, Authenticator authenticator,
            AllocationTable allocations, TransportLoop transport, PeerAddressFilter peerFilter,
            InetAddress relayAddress, InetAddress advertisedRelayAddress) {
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.allocations = allocations;
        this.rateLimiter = new RequestRateLimiter(config);
        this.refusals = new Refusals(metrics);
        PeerPolicy peers = new PeerPolicy(relayAddress, peerFilter, refusals);
        this.allocate = new AllocateHandler(config, allocations, transport, refusals, relayAddress,
                advertisedRelayAddress);
        this.refresh = new RefreshHandler(allocations);
        this.createPermission = new CreatePermissionHandler(allocations, peers, refusals);
        this.channelBind = new ChannelBindHandler(config, allocations, peers, refusals);
        this.channelData = new ChannelDataHandler(metrics);
        this.sendIndication = new SendIndicationHandler(metrics);
        this.peerData = new PeerDataHandler(metrics, transport);
    }

    @Override
    public Allocation udpAllocation(InetSocketAddress client) {
        return allocations.forUdpClient(client);
    }

    @Override
    public void onChannelData(Allocation a, int channel, ByteBuffer buf, int offset, int length) throws IOException {
        channelData.relay(a, channel, buf, offset, length);
    }

    @Override
    public void onSendIndication(Allocation a, ByteBuffer buf, int offset, int length) throws IOException {
        sendIndication.relay(a, buf, offset, length);
    }

    @Override
    public void onPeerDatagram(Allocation a, InetSocketAddress peer, ByteBuffer buf, int offset, int length)
            throws IOException {
        peerData.relay(a, peer, buf, offset, length);
    }

    @Override
    public byte[] onStunMessage(byte[] m, int len, InetSocketAddress src, TcpConnection tcp) throws IOException {
        StunMessage req;
        try {
            req = StunCodec.decode(m, 0, len);
        } catch (StunParseException e) {
            return undecodable(m, len);
        }
        if (req.messageClass() != Stun.CLASS_REQUEST) {
            return null;
        }
        if (!rateLimiter.tryAcquire(src.getAddress())) {
            // Dropping rather than answering avoids becoming a reflector under a flood.
            metrics.refused(Refusal.RATE_LIMITED);
            return null;
        }
        byte[] unknown = unknownAttributes(req, src);
        if (unknown != null) {
            return unknown;
        }
        int method = req.method();
        if (method == Stun.BINDING) {
            return binding.handle(req, src);
        }
        if (method != Stun.ALLOCATE && method != Stun.REFRESH && method != Stun.CREATE_PERMISSION
                && method != Stun.CHANNEL_BIND) {
            return refusals.refuse(req, Refusal.BAD_REQUEST, Stun.ERR_BAD_REQUEST, null);
        }
        AuthResult result = authenticator.authenticate(req, m, len);
        if (result instanceof AuthResult.Rejected rejected) {
            return rejected.response();
        }
        Authenticated auth = (Authenticated) result;
        Allocation existing = tcp != null ? tcp.allocation() : allocations.forUdpClient(src);
        if (method == Stun.ALLOCATE) {
            return allocate.handle(req, auth, existing, src, tcp);
        }
        if (existing == null) {
            return refusals.refuse(req, Refusal.ALLOCATION_MISMATCH, Stun.ERR_ALLOCATION_MISMATCH, auth.key());
        }
        if (!existing.username().equals(auth.username())) {
            return refusals.refuse(req, Refusal.WRONG_CREDENTIALS, Stun.ERR_WRONG_CREDENTIALS, auth.key());
        }
        if (method == Stun.REFRESH) {
            return refresh.handle(req, auth, existing);
        }
        if (method == Stun.CREATE_PERMISSION) {
            return createPermission.handle(req, auth, existing);
        }
        return channelBind.handle(req, auth, existing);
    }

    /** A 400 for what looks like a STUN request but does not decode; nothing for anything else. */
    private byte[] undecodable(byte[] m, int len) {
        if (len >= Stun.HEADER_LENGTH && (m[0] & 0xC0) == 0 && StunCodec.getInt(m, 4) == Stun.MAGIC_COOKIE
                && Stun.messageClass(StunCodec.getShort(m, 0)) == Stun.CLASS_REQUEST) {
            byte[] txId = Arrays.copyOfRange(m, 8, 20);
            StunMessage bad = new StunMessage(StunCodec.getShort(m, 0), txId, List.of());
            return refusals.refuse(bad, Refusal.BAD_REQUEST, Stun.ERR_BAD_REQUEST, null);
        }
        return null;
    }

    /** A 420 listing the comprehension-required attributes of {@code req} not understood, or null when none. */
    private byte[] unknownAttributes(StunMessage req, InetSocketAddress src) {
        List<Integer> unknown = new ArrayList<>();
        for (StunAttribute a : req.attributes()) {
            if (UnderstoodAttributes.isUnknownRequired(a.type()) && !unknown.contains(a.type())) {
                unknown.add(a.type());
            }
        }
        if (unknown.isEmpty()) {
            return null;
        }
        byte[] v = new byte[unknown.size() * 2];
        for (int i = 0; i < unknown.size(); i++) {
            StunCodec.putShort(v, i * 2, unknown.get(i));
        }
        metrics.refused(Refusal.UNKNOWN_ATTRIBUTE);
        Log.debugf("unknown comprehension-required attributes %s from %s", unknown, src);
        return StunResponses.error(req, Stun.ERR_UNKNOWN_ATTRIBUTE, null,
                List.of(new StunAttribute(Stun.ATTR_UNKNOWN_ATTRIBUTES, v)));
    }

    @Override
    public void onConnectionClosed(TcpConnection c) {
        if (c.allocation() != null) {
            allocations.delete(c.allocation());
        }
    }

    @Override
    public void onSweep(long now) {
        allocations.sweep(now);
        rateLimiter.sweep(now);
    }

    @Override
    public void onStopped() {
        allocations.clear();
    }
}
