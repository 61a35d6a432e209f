package io.parley.media.turn.dispatch;

import io.parley.media.turn.Stun;
import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.StunCodec;
import io.parley.media.turn.StunMessage;
import io.parley.media.turn.TokenBucket;
import io.parley.media.turn.TurnMetrics.Refusal;
import io.parley.media.turn.TurnServerConfig;
import io.parley.media.turn.allocation.Allocation;
import io.parley.media.turn.allocation.AllocationTable;
import io.parley.media.turn.auth.AuthResult.Authenticated;
import io.parley.media.turn.transport.TcpConnection;
import io.parley.media.turn.transport.TransportLoop;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Handles an Allocate request (RFC 8656 7.2): checks transport, family and quotas, opens the relay socket, answers. */
final class AllocateHandler {
    private final TurnServerConfig config;
    private final AllocationTable allocations;
    private final TransportLoop transport;
    private final Refusals refusals;
    private final boolean relayIsV4;
    /** What clients are told their relay's address is: the external one behind a 1:1 NAT, else the bound one. */
    private final InetAddress advertisedRelayAddress;

    AllocateHandler(TurnServerConfig config, AllocationTable allocations, TransportLoop transport, Refusals refusals,
            InetAddress relayAddress, InetAddress advertisedRelayAddress) {
        this.config = config;
        this.allocations = allocations;
        this.transport = transport;
        this.refusals = refusals;
        this.relayIsV4 = relayAddress instanceof Inet4Address;
        this.advertisedRelayAddress = advertisedRelayAddress;
    }

    /**
     * @param existing the allocation the client already has on this 5-tuple, or null
     * @param tcp the client's connection, or null for UDP
     */
    byte[] handle(StunMessage req, Authenticated auth, Allocation existing, InetSocketAddress src, TcpConnection tcp)
            throws IOException {
        if (existing != null) {
            if (Arrays.equals(existing.allocateTransactionId(), req.transactionId())) {
                // A retransmitted Allocate must get the original answer, not 437 (RFC 8656 7.2).
                return existing.allocateResponse();
            }
            return refusals.refuse(req, Refusal.ALLOCATION_MISMATCH, Stun.ERR_ALLOCATION_MISMATCH, auth.key());
        }
        StunAttribute transportAttr = req.attribute(Stun.ATTR_REQUESTED_TRANSPORT);
        if (transportAttr == null || transportAttr.value().length != 4) {
            return refusals.refuse(req, Refusal.BAD_REQUEST, Stun.ERR_BAD_REQUEST, auth.key());
        }
        if ((transportAttr.value()[0] & 0xFF) != Stun.TRANSPORT_UDP) {
            return refusals.refuse(req, Refusal.UNSUPPORTED_TRANSPORT, Stun.ERR_UNSUPPORTED_TRANSPORT, auth.key());
        }
        StunAttribute family = req.attribute(Stun.ATTR_REQUESTED_ADDRESS_FAMILY);
        if (family != null) {
            int f = family.value().length == 4 ? family.value()[0] : -1;
            if (f != 1 && f != 2) {
                return refusals.refuse(req, Refusal.BAD_REQUEST, Stun.ERR_BAD_REQUEST, auth.key());
            }
            if ((f == 1) != relayIsV4) {
                return refusals.refuse(req, Refusal.ADDRESS_FAMILY, Stun.ERR_ADDRESS_FAMILY_NOT_SUPPORTED, auth.key());
            }
        }
        if (allocations.userQuotaReached(auth.userId())) {
            return refusals.refuse(req, Refusal.QUOTA, Stun.ERR_ALLOCATION_QUOTA, auth.key());
        }
        if (allocations.isFull()) {
            return refusals.refuse(req, Refusal.CAPACITY, Stun.ERR_INSUFFICIENT_CAPACITY, auth.key());
        }
        StunAttribute evenPort = req.attribute(Stun.ATTR_EVEN_PORT);
        StunAttribute token = req.attribute(Stun.ATTR_RESERVATION_TOKEN);
        if ((evenPort != null && (token != null || evenPort.value().length != 1))
                || (token != null && token.value().length != 8)) {
            return refusals.refuse(req, Refusal.BAD_REQUEST, Stun.ERR_BAD_REQUEST, auth.key());
        }
        DatagramChannel relay;
        Long newToken = null;
        if (token != null) {
            relay = allocations.takeReservation(token.value());
        } else if (evenPort != null) {
            AllocationTable.EvenPort even = allocations.openEvenRelay((evenPort.value()[0] & 0x80) != 0);
            relay = even == null ? null : even.relay();
            newToken = even == null ? null : even.reservationToken();
        } else {
            relay = allocations.openRelay();
        }
        if (relay == null) {
            return refusals.refuse(req, Refusal.CAPACITY, Stun.ERR_INSUFFICIENT_CAPACITY, auth.key());
        }
        InetSocketAddress relayAddr = (InetSocketAddress) relay.getLocalAddress();
        long now = System.nanoTime();
        long bw = config.bandwidthBytesPerSecond();
        Allocation a = new Allocation(src, tcp, relay, relayAddr, auth.username(), auth.userId(), req.transactionId(),
                new TokenBucket(bw, bw, now));
        long lifetime = allocations.lifetimeSeconds(req.attribute(Stun.ATTR_LIFETIME));
        a.expiresAt(now + TimeUnit.SECONDS.toNanos(lifetime));
        try {
            transport.register(relay, a);
        } catch (IOException e) {
            allocations.discardRelay(relay, relayAddr.getPort());
            throw e;
        }
        allocations.add(a);
        Log.debugf("allocation %s for %s at %s", relayAddr, auth.userId(), src);
        List<StunAttribute> attrs = new ArrayList<>(List.of(
                StunAttribute.xorAddress(Stun.ATTR_XOR_RELAYED_ADDRESS,
                        new InetSocketAddress(advertisedRelayAddress, relayAddr.getPort()), req.transactionId()),
                StunAttribute.u32(Stun.ATTR_LIFETIME, lifetime),
                StunAttribute.xorAddress(Stun.ATTR_XOR_MAPPED_ADDRESS, src, req.transactionId())));
        if (newToken != null) {
            attrs.add(new StunAttribute(Stun.ATTR_RESERVATION_TOKEN, ByteBuffer.allocate(8).putLong(newToken).array()));
        }
        StunMessage resp = new StunMessage(Stun.messageType(Stun.ALLOCATE, Stun.CLASS_SUCCESS), req.transactionId(),
                attrs);
        a.allocateResponse(StunCodec.encode(resp, auth.key(), true));
        return a.allocateResponse();
    }
}
