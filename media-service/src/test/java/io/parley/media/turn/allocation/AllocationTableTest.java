package io.parley.media.turn.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.media.turn.InMemoryTurnMetrics;
import io.parley.media.turn.Stun;
import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.TokenBucket;
import io.parley.media.turn.TurnServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The allocation table on its own, with real relay sockets on loopback: quotas, lifetimes, expiry, reservations. */
class AllocationTableTest {
    private final InMemoryTurnMetrics metrics = new InMemoryTurnMetrics();
    private AllocationTable table;

    private AllocationTable table(UnaryOperator<TurnServerConfig.Builder> customize) throws Exception {
        TurnServerConfig config = customize.apply(TurnServerConfig.builder("parley.test", "test-secret")
                .relayAddress("127.0.0.1").relayPortRange(51000, 51099)).build();
        table = new AllocationTable(config, metrics, InetAddress.getByName("127.0.0.1"));
        return table;
    }

    @AfterEach
    void clear() {
        if (table != null) {
            table.clear();
        }
    }

    private Allocation allocate(String userId, int clientPort, long expiresAt) throws Exception {
        DatagramChannel relay = table.openRelay();
        assertNotNull(relay, "a free relay port");
        Allocation a = new Allocation(new InetSocketAddress("127.0.0.1", clientPort), null, relay,
                (InetSocketAddress) relay.getLocalAddress(), userId + "-name", userId, new byte[12],
                new TokenBucket(0, 0, System.nanoTime()));
        a.expiresAt(expiresAt);
        table.add(a);
        return a;
    }

    private static long inAMinute() {
        return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    }

    @Test
    void requestedLifetimeIsClampedBetweenDefaultAndMax() throws Exception {
        table(b -> b.defaultAllocationLifetime(Duration.ofSeconds(600)).maxAllocationLifetime(Duration.ofSeconds(3600)));
        assertEquals(600, table.lifetimeSeconds(null));
        assertEquals(600, table.lifetimeSeconds(StunAttribute.u32(Stun.ATTR_LIFETIME, 30)));
        assertEquals(1200, table.lifetimeSeconds(StunAttribute.u32(Stun.ATTR_LIFETIME, 1200)));
        assertEquals(3600, table.lifetimeSeconds(StunAttribute.u32(Stun.ATTR_LIFETIME, 86400)));
    }

    @Test
    void userQuotaCountsOnlyLiveAllocationsOfThatUser() throws Exception {
        table(b -> b.userAllocationQuota(2));
        allocate("alice", 40001, inAMinute());
        Allocation second = allocate("alice", 40002, inAMinute());
        assertTrue(table.userQuotaReached("alice"));
        assertFalse(table.userQuotaReached("bob"));
        table.delete(second);
        assertFalse(table.userQuotaReached("alice"));
        assertEquals(1, table.active());
        assertEquals(1, metrics.activeAllocations());
    }

    @Test
    void serverCapacityCountsAllUsers() throws Exception {
        table(b -> b.maxAllocations(2).userAllocationQuota(0));
        allocate("alice", 40001, inAMinute());
        assertFalse(table.isFull());
        allocate("bob", 40002, inAMinute());
        assertTrue(table.isFull());
    }

    @Test
    void sweepDeletesExpiredAllocationsAndClosesTheirRelaySockets() throws Exception {
        table(b -> b);
        long now = System.nanoTime();
        Allocation expired = allocate("alice", 40001, now - 1);
        Allocation live = allocate("bob", 40002, inAMinute());
        live.permit(InetAddress.getByName("127.0.0.2"), now - 1);
        live.bind(0x4000, new InetSocketAddress("127.0.0.2", 5000), now - 1);
        table.sweep(now);
        assertEquals(1, table.active());
        assertNull(table.forUdpClient(expired.client()));
        assertFalse(expired.relay().isOpen());
        assertSame(live, table.forUdpClient(live.client()));
        assertEquals(0, live.channelCount(), "expired channel dropped");
        assertFalse(live.hasPermission(InetAddress.getByName("127.0.0.2"), now), "expired permission dropped");
    }

    @Test
    void evenPortWithReservationHandsTheNextPortOutOnceByToken() throws Exception {
        table(b -> b);
        AllocationTable.EvenPort even = table.openEvenRelay(true);
        assertNotNull(even);
        int port = ((InetSocketAddress) even.relay().getLocalAddress()).getPort();
        assertEquals(0, port % 2);
        byte[] token = ByteBuffer.allocate(8).putLong(even.reservationToken()).array();
        DatagramChannel reserved = table.takeReservation(token);
        assertNotNull(reserved);
        assertEquals(port + 1, ((InetSocketAddress) reserved.getLocalAddress()).getPort());
        assertNull(table.takeReservation(token), "a token is good for one Allocate");
        even.relay().close();
        reserved.close();
    }
}
