package io.parley.media.turn;

import static io.parley.media.turn.TestTurnClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.common.turn.TurnCredentials;
import io.parley.media.turn.TurnMetrics.Direction;
import io.parley.media.turn.TurnMetrics.Refusal;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** End-to-end tests of the server over real loopback sockets, for both UDP and TCP client transport. */
class TurnServerIT {
    static final String SECRET = "test-secret";
    static final String REALM = "parley.test";

    private final MutableClock clock = new MutableClock();
    private final InMemoryTurnMetrics metrics = new InMemoryTurnMetrics();
    private TurnServer server;
    private TurnCredentials creds;

    private TurnServer start(UnaryOperator<TurnServerConfig.Builder> customize) throws Exception {
        TurnServerConfig.Builder b = TurnServerConfig.builder(REALM, SECRET)
                .listenAddress("127.0.0.1").udpPort(0).tcpPort(0)
                .relayAddress("127.0.0.1").relayPortRange(50000, 50999);
        server = new TurnServer(customize.apply(b).build(), metrics, clock);
        server.start();
        creds = new TurnCredentials(SECRET, clock);
        return server;
    }

    private TurnServer startAllowingLoopback() throws Exception {
        return start(b -> b.allowedPeerCidrs(List.of("127.0.0.0/8")));
    }

    private TestTurnClient client(boolean tcp) throws Exception {
        return new TestTurnClient(new InetSocketAddress("127.0.0.1", tcp ? server.tcpPort() : server.udpPort()), tcp);
    }

    private static void await(BooleanSupplier condition, String what) {
        Eventually.await(what, condition);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void bindingReturnsXorMappedAddressWithoutAuth(boolean tcp) throws Exception {
        start(b -> b);
        try (TestTurnClient c = client(tcp)) {
            StunMessage resp = c.transact(new StunMessage(Stun.messageType(Stun.BINDING, Stun.CLASS_REQUEST),
                    TestTurnClient.newTransactionId(), List.of()), null);
            assertEquals(Stun.CLASS_SUCCESS, resp.messageClass());
            InetSocketAddress mapped = resp.attribute(Stun.ATTR_XOR_MAPPED_ADDRESS).asXorAddress(resp.transactionId());
            assertEquals("127.0.0.1", mapped.getAddress().getHostAddress());
            assertTrue(mapped.getPort() > 0);
            assertNotNull(resp.attribute(Stun.ATTR_FINGERPRINT));
        }
    }

    @Test
    void allocateWithoutCredentialsIsChallenged() throws Exception {
        start(b -> b);
        try (TestTurnClient c = client(false)) {
            StunMessage resp = c.transact(new StunMessage(Stun.messageType(Stun.ALLOCATE, Stun.CLASS_REQUEST),
                    TestTurnClient.newTransactionId(), List.of(StunAttribute.requestedTransport(17))), null);
            assertEquals(401, errorCode(resp));
            assertEquals(REALM, resp.attribute(Stun.ATTR_REALM).asString());
            assertNotNull(resp.attribute(Stun.ATTR_NONCE));
            assertNull(resp.attribute(Stun.ATTR_MESSAGE_INTEGRITY));
            assertEquals(0, server.activeAllocations());
        }
    }

    @Test
    void wrongPasswordAndExpiredUsernameAreRefused() throws Exception {
        start(b -> b);
        TurnCredentials.Minted good = creds.mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(false)) {
            assertEquals(401, errorCode(c.allocate(good.username(), "wrong-password")));
        }
        TurnCredentials.Minted forged = new TurnCredentials("not-the-secret", clock).mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(false)) {
            assertEquals(401, errorCode(c.allocate(forged.username(), forged.password())));
        }
        TurnCredentials.Minted expired = creds.mint("alice", Duration.ofSeconds(-10));
        try (TestTurnClient c = client(false)) {
            assertEquals(401, errorCode(c.allocate(expired.username(), expired.password())));
        }
        assertEquals(3, metrics.authFailures());
        assertEquals(0, server.activeAllocations());
    }

    @Test
    void staleNonceGets438WithFreshNonce() throws Exception {
        start(b -> b.nonceLifetime(Duration.ofSeconds(60)));
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofDays(1));
        try (TestTurnClient c = client(false)) {
            assertEquals(Stun.CLASS_SUCCESS, c.allocate(m.username(), m.password()).messageClass());
            clock.advance(Duration.ofSeconds(120));
            String old = c.nonce;
            StunMessage resp = c.transact(new StunMessage(Stun.messageType(Stun.REFRESH, Stun.CLASS_REQUEST),
                    TestTurnClient.newTransactionId(), List.of(StunAttribute.string(Stun.ATTR_USERNAME, c.username),
                    StunAttribute.string(Stun.ATTR_REALM, c.realm), StunAttribute.string(Stun.ATTR_NONCE, old))), c.key);
            assertEquals(438, errorCode(resp));
            assertNotNull(resp.attribute(Stun.ATTR_REALM));
            assertFalse(old.equals(resp.attribute(Stun.ATTR_NONCE).asString()));
            // The client helper retries with the fresh nonce.
            assertEquals(Stun.CLASS_SUCCESS, c.refresh(600).messageClass());
        }
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void allocateSucceedsAndHandlesRetransmitMismatchAndTransport(boolean tcp) throws Exception {
        start(b -> b);
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(tcp)) {
            StunMessage ok = c.allocate(m.username(), m.password(),
                    List.of(StunAttribute.u32(Stun.ATTR_LIFETIME, 100_000)));
            assertEquals(Stun.CLASS_SUCCESS, ok.messageClass(), "error " + errorCode(ok));
            InetSocketAddress relayed = ok.attribute(Stun.ATTR_XOR_RELAYED_ADDRESS).asXorAddress(ok.transactionId());
            assertEquals("127.0.0.1", relayed.getAddress().getHostAddress());
            assertTrue(relayed.getPort() >= 50000 && relayed.getPort() <= 50999);
            assertEquals(3600, ok.attribute(Stun.ATTR_LIFETIME).asU32(), "clamped to max");
            assertNotNull(ok.attribute(Stun.ATTR_XOR_MAPPED_ADDRESS));
            assertNotNull(ok.attribute(Stun.ATTR_MESSAGE_INTEGRITY));
            assertEquals(1, server.activeAllocations());
            await(() -> metrics.activeAllocations() == 1, "gauge");

            StunMessage again = c.authedRequest(Stun.ALLOCATE, List.of(StunAttribute.requestedTransport(17)));
            assertEquals(437, errorCode(again));

            // Same transaction id: a retransmission gets the original success.
            List<StunAttribute> attrs = List.of(StunAttribute.requestedTransport(17),
                    StunAttribute.u32(Stun.ATTR_LIFETIME, 100_000),
                    StunAttribute.string(Stun.ATTR_USERNAME, c.username), StunAttribute.string(Stun.ATTR_REALM, c.realm),
                    StunAttribute.string(Stun.ATTR_NONCE, c.nonce));
            StunMessage retransmit = c.transact(new StunMessage(ok.type() & ~Stun.CLASS_SUCCESS, ok.transactionId(), attrs),
                    c.key);
            assertEquals(Stun.CLASS_SUCCESS, retransmit.messageClass());
            assertEquals(relayed, retransmit.attribute(Stun.ATTR_XOR_RELAYED_ADDRESS).asXorAddress(ok.transactionId()));
        }
        try (TestTurnClient c = client(tcp)) {
            StunMessage tcpRelay = c.allocate(m.username(), m.password(), List.of(StunAttribute.requestedTransport(6)));
            assertEquals(442, errorCode(tcpRelay));
        }
    }

    @Test
    void behindANatClientsAreToldTheExternalAddressWhileRelayingGoesOnThroughTheBoundOne() throws Exception {
        start(b -> b.allowedPeerCidrs(List.of("127.0.0.0/8")).externalAddress("203.0.113.7"));
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(false); DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peer.setSoTimeout(2000);
            StunMessage ok = c.allocate(m.username(), m.password());
            InetSocketAddress advertised = ok.attribute(Stun.ATTR_XOR_RELAYED_ADDRESS).asXorAddress(ok.transactionId());
            assertEquals("203.0.113.7", advertised.getAddress().getHostAddress(), "the NAT's public address");
            assertTrue(advertised.getPort() >= 50000 && advertised.getPort() <= 50999);

            InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
            assertEquals(Stun.CLASS_SUCCESS, c.createPermission(peerAddr).messageClass());
            c.sendIndication(peerAddr, bytes("through the nat"));
            DatagramPacket got = receive(peer);
            assertEquals("through the nat", new String(got.getData(), 0, got.getLength(), StandardCharsets.UTF_8));
            assertEquals(new InetSocketAddress("127.0.0.1", advertised.getPort()), got.getSocketAddress(),
                    "the relay socket itself is bound to relay-address, on the advertised port");
        }
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void relaysSendIndicationsAndChannelDataBothWays(boolean tcp) throws Exception {
        startAllowingLoopback();
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(tcp); DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peer.setSoTimeout(2000);
            InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
            StunMessage ok = c.allocate(m.username(), m.password());
            InetSocketAddress relayed = ok.attribute(Stun.ATTR_XOR_RELAYED_ADDRESS).asXorAddress(ok.transactionId());

            // Without a permission nothing is relayed.
            c.sendIndication(peerAddr, bytes("too early"));
            await(() -> metrics.refusals(Refusal.NO_PERMISSION) == 1, "unpermitted send dropped");

            assertEquals(Stun.CLASS_SUCCESS, c.createPermission(peerAddr).messageClass());
            c.sendIndication(peerAddr, bytes("hello peer"));
            DatagramPacket got = receive(peer);
            assertEquals("hello peer", new String(got.getData(), 0, got.getLength(), StandardCharsets.UTF_8));
            assertEquals(relayed, got.getSocketAddress());

            peer.send(new DatagramPacket(bytes("hi client"), 9, relayed));
            Object data = c.receiveData(2000);
            StunMessage ind = assertInstanceOf(StunMessage.class, data);
            assertEquals(peerAddr, ind.attribute(Stun.ATTR_XOR_PEER_ADDRESS).asXorAddress(ind.transactionId()));
            assertEquals("hi client", ind.attribute(Stun.ATTR_DATA).asString());

            assertEquals(Stun.CLASS_SUCCESS, c.channelBind(0x4001, peerAddr).messageClass());
            // Odd sizes exercise ChannelData padding on TCP.
            byte[] up = bytes("abcde");
            c.sendChannelData(0x4001, up);
            got = receive(peer);
            assertArrayEquals(up, Arrays.copyOf(got.getData(), got.getLength()));
            for (String s : List.of("x", "xyz", "1234567")) {
                peer.send(new DatagramPacket(bytes(s), s.length(), relayed));
                TestTurnClient.ChannelData cd = assertInstanceOf(TestTurnClient.ChannelData.class, c.receiveData(2000));
                assertEquals(0x4001, cd.channel());
                assertEquals(s, new String(cd.data(), StandardCharsets.UTF_8));
            }

            // Rebinding rules (RFC 8656 12.2).
            assertEquals(Stun.CLASS_SUCCESS, c.channelBind(0x4001, peerAddr).messageClass());
            assertEquals(400, errorCode(c.channelBind(0x4002, peerAddr)));
            assertEquals(400, errorCode(c.channelBind(0x4001, new InetSocketAddress("127.0.0.1", peerAddr.getPort() + 1))));
            assertEquals(400, errorCode(c.channelBind(0x3FFF, new InetSocketAddress("127.0.0.1", 9))));
            assertEquals(400, errorCode(c.channelBind(0x5000, new InetSocketAddress("127.0.0.1", 9))));

            await(() -> metrics.packets(Direction.CLIENT_TO_PEER) == 2 && metrics.packets(Direction.PEER_TO_CLIENT) == 4,
                    "relay counters");
            assertEquals(15, metrics.bytes(Direction.CLIENT_TO_PEER));

            assertEquals(Stun.CLASS_SUCCESS, c.refresh(0).messageClass());
            await(() -> server.activeAllocations() == 0, "refresh 0 deletes");
            assertEquals(437, errorCode(c.refresh(600)));
        }
    }

    @Test
    void tcpConnectionCloseDeletesAllocation() throws Exception {
        start(b -> b);
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(true)) {
            assertEquals(Stun.CLASS_SUCCESS, c.allocate(m.username(), m.password()).messageClass());
            assertEquals(1, server.activeAllocations());
        }
        await(() -> server.activeAllocations() == 0, "allocation freed on disconnect");
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void loopbackPeerForbiddenUnlessAllowed(boolean tcp) throws Exception {
        start(b -> b);
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(tcp)) {
            assertEquals(Stun.CLASS_SUCCESS, c.allocate(m.username(), m.password()).messageClass());
            InetSocketAddress loop = new InetSocketAddress("127.0.0.1", 9999);
            assertEquals(403, errorCode(c.createPermission(loop)));
            assertEquals(403, errorCode(c.channelBind(0x4000, loop)));
            assertEquals(403, errorCode(c.createPermission(new InetSocketAddress("169.254.169.254", 80))));
            assertEquals(403, errorCode(c.createPermission(new InetSocketAddress("10.1.2.3", 80))));
            assertEquals(4, metrics.refusals(Refusal.FORBIDDEN_PEER));
        }
    }

    @Test
    void secondAllocationOverQuotaGets486() throws Exception {
        start(b -> b.userAllocationQuota(1));
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        TurnCredentials.Minted other = creds.mint("bob", Duration.ofHours(1));
        try (TestTurnClient c1 = client(false); TestTurnClient c2 = client(true); TestTurnClient c3 = client(false)) {
            assertEquals(Stun.CLASS_SUCCESS, c1.allocate(m.username(), m.password()).messageClass());
            assertEquals(486, errorCode(c2.allocate(m.username(), m.password())));
            assertEquals(Stun.CLASS_SUCCESS, c3.allocate(other.username(), other.password()).messageClass());
            assertEquals(1, metrics.refusals(Refusal.QUOTA));
        }
    }

    @Test
    void capacityAndPortRangeExhaustionGive508() throws Exception {
        start(b -> b.relayPortRange(50990, 50990));
        TurnCredentials.Minted a = creds.mint("a", Duration.ofHours(1));
        TurnCredentials.Minted b = creds.mint("b", Duration.ofHours(1));
        try (TestTurnClient c1 = client(false); TestTurnClient c2 = client(false)) {
            assertEquals(Stun.CLASS_SUCCESS, c1.allocate(a.username(), a.password()).messageClass());
            assertEquals(508, errorCode(c2.allocate(b.username(), b.password())));
        }
    }

    @Test
    void otherUserCannotRefreshAllocation() throws Exception {
        start(b -> b);
        TurnCredentials.Minted a = creds.mint("alice", Duration.ofHours(1));
        TurnCredentials.Minted b = creds.mint("bob", Duration.ofHours(1));
        try (TestTurnClient c = client(false)) {
            assertEquals(Stun.CLASS_SUCCESS, c.allocate(a.username(), a.password()).messageClass());
            c.username = b.username();
            c.key = TurnCredentials.longTermKey(b.username(), REALM, b.password());
            assertEquals(441, errorCode(c.refresh(600)));
        }
    }

    @Test
    void expiredAllocationsAreSwept() throws Exception {
        start(b -> b.defaultAllocationLifetime(Duration.ofSeconds(1)).maxAllocationLifetime(Duration.ofSeconds(1)));
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(false)) {
            assertEquals(Stun.CLASS_SUCCESS, c.allocate(m.username(), m.password()).messageClass());
            assertEquals(1, server.activeAllocations());
            await(() -> server.activeAllocations() == 0, "sweep");
            assertEquals(437, errorCode(c.refresh(600)));
        }
    }

    @Test
    void expiredPermissionStopsRelay() throws Exception {
        start(b -> b.allowedPeerCidrs(List.of("127.0.0.1/32")).permissionLifetime(Duration.ofMillis(300)));
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(false); DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
            c.allocate(m.username(), m.password());
            assertEquals(Stun.CLASS_SUCCESS, c.createPermission(peerAddr).messageClass());
            long expiry = System.nanoTime() + 300_000_000L;
            await(() -> System.nanoTime() - expiry > 0, "permission lifetime to pass");
            c.sendIndication(peerAddr, bytes("late"));
            await(() -> metrics.refusals(Refusal.NO_PERMISSION) == 1, "expired permission enforced");
        }
    }

    @Test
    void bandwidthLimitDropsExcess() throws Exception {
        start(b -> b.allowedPeerCidrs(List.of("127.0.0.0/8")).bandwidthBytesPerSecond(1000));
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(false); DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peer.setSoTimeout(300);
            InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
            c.allocate(m.username(), m.password());
            assertEquals(Stun.CLASS_SUCCESS, c.channelBind(0x4000, peerAddr).messageClass());
            for (int i = 0; i < 20; i++) {
                c.sendChannelData(0x4000, new byte[400]);
            }
            await(() -> metrics.packets(Direction.CLIENT_TO_PEER) + metrics.refusals(Refusal.BANDWIDTH) == 20, "all seen");
            assertTrue(metrics.refusals(Refusal.BANDWIDTH) >= 15, "most dropped: " + metrics.refusals(Refusal.BANDWIDTH));
            assertTrue(metrics.packets(Direction.CLIENT_TO_PEER) >= 2);
        }
    }

    @Test
    void malformedAndUnknownRequestsGetErrors() throws Exception {
        start(b -> b);
        try (TestTurnClient c = client(false)) {
            byte[] tx = TestTurnClient.newTransactionId();
            // Declared attribute length runs past the end of the message.
            byte[] bad = new byte[28];
            StunCodec.putShort(bad, 0, Stun.messageType(Stun.ALLOCATE, Stun.CLASS_REQUEST));
            StunCodec.putShort(bad, 2, 8);
            StunCodec.putInt(bad, 4, Stun.MAGIC_COOKIE);
            System.arraycopy(tx, 0, bad, 8, 12);
            StunCodec.putShort(bad, 20, Stun.ATTR_REQUESTED_TRANSPORT);
            StunCodec.putShort(bad, 22, 40);
            c.sendRaw(bad);
            byte[] frame = c.readFrame();
            StunMessage resp = StunCodec.decode(frame, 0, frame.length);
            assertEquals(400, errorCode(resp));
            assertArrayEquals(tx, resp.transactionId());

            StunMessage unknown = c.transact(new StunMessage(Stun.messageType(Stun.ALLOCATE, Stun.CLASS_REQUEST),
                    TestTurnClient.newTransactionId(), List.of(StunAttribute.requestedTransport(17),
                    new StunAttribute(Stun.ATTR_DONT_FRAGMENT, new byte[0]))), null);
            assertEquals(420, errorCode(unknown));
            assertArrayEquals(new byte[] {0, 0x1A}, unknown.attribute(Stun.ATTR_UNKNOWN_ATTRIBUTES).value());
        }
    }

    @Test
    void perSourceRequestRateLimit() throws Exception {
        start(b -> b.requestsPerSecondPerSource(5));
        try (TestTurnClient c = client(false)) {
            for (int i = 0; i < 30; i++) {
                c.sendRaw(StunCodec.encode(new StunMessage(Stun.messageType(Stun.BINDING, Stun.CLASS_REQUEST),
                        TestTurnClient.newTransactionId(), List.of()), null, true));
            }
            await(() -> metrics.refusals(Refusal.RATE_LIMITED) >= 20, "rate limiting");
        }
    }

    @Test
    void framesLargerThanTheInitialTcpBufferAreRelayedIntact() throws Exception {
        startAllowingLoopback();
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        try (TestTurnClient c = client(true); DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peer.setSoTimeout(2000);
            InetSocketAddress peerAddr = (InetSocketAddress) peer.getLocalSocketAddress();
            assertEquals(Stun.CLASS_SUCCESS, c.allocate(m.username(), m.password()).messageClass());
            assertEquals(Stun.CLASS_SUCCESS, c.createPermission(peerAddr).messageClass());
            byte[] big = new byte[6000];
            Arrays.fill(big, (byte) 7);
            c.sendIndication(peerAddr, big);
            c.sendIndication(peerAddr, bytes("after the big one"));
            DatagramPacket first = new DatagramPacket(new byte[8192], 8192);
            peer.receive(first);
            assertArrayEquals(big, Arrays.copyOf(first.getData(), first.getLength()));
            DatagramPacket second = receive(peer);
            assertEquals("after the big one", new String(second.getData(), 0, second.getLength(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void ephemeralPortIsSharedByUdpAndTcpWhileRunning() throws Exception {
        start(b -> b);
        assertTrue(server.isRunning());
        assertTrue(server.udpPort() > 0);
        assertEquals(server.udpPort(), server.tcpPort());
        server.close();
        assertFalse(server.isRunning());
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {false, true})
    void portInUseFailsStartNamingTransportAndPort(boolean tcp) throws Exception {
        try (DatagramSocket udpHolder = tcp ? null : new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                ServerSocket tcpHolder = tcp ? new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")) : null) {
            int taken = tcp ? tcpHolder.getLocalPort() : udpHolder.getLocalPort();
            TurnServer blocked = new TurnServer(TurnServerConfig.builder(REALM, SECRET)
                    .listenAddress("127.0.0.1").udpPort(tcp ? -1 : taken).tcpPort(tcp ? taken : -1)
                    .relayAddress("127.0.0.1").relayPortRange(50000, 50999).build());
            BindException e = assertThrows(BindException.class, blocked::start);
            assertTrue(e.getMessage().contains((tcp ? "TCP" : "UDP") + " port " + taken + " on 127.0.0.1"),
                    e.getMessage());
            assertFalse(blocked.isRunning());
        }
    }

    private static DatagramPacket receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("peer received nothing", e);
        }
        return p;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
