package io.parley.media.turn.allocation;

import io.parley.media.turn.StunAttribute;
import io.parley.media.turn.TurnMetrics;
import io.parley.media.turn.TurnServerConfig;
import io.parley.media.turn.transport.Sockets;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The live allocations and reserved relay ports: their lookup, quotas, lifetimes and expiry; confined to the event loop. */
public final class AllocationTable {
    private static final long RESERVATION_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final TurnServerConfig config;
    private final TurnMetrics metrics;
    private final RelayPortPool ports;
    private final Map<InetSocketAddress, Allocation> udpAllocations = new HashMap<>();
    private final Set<Allocation> allocations = new HashSet<>();
    private final Map<String, Integer> allocationsPerUser = new HashMap<>();
    private final Map<Long, Reservation> reservations = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final long permissionNanos;
    private final long channelNanos;
    private volatile int active;

    public AllocationTable(TurnServerConfig config, TurnMetrics metrics, InetAddress relayAddress) {
        this.config = config;
        this.metrics = metrics;
        this.ports = new RelayPortPool(relayAddress, config.relayPortMin(), config.relayPortMax());
        this.permissionNanos = config.permissionLifetime().toNanos();
        this.channelNanos = config.channelLifetime().toNanos();
    }

    /** The number of live allocations; safe to read from any thread. */
    public int active() {
        return active;
    }

    /** The allocation of a UDP client, or null. */
    public Allocation forUdpClient(InetSocketAddress client) {
        return udpAllocations.get(client);
    }

    public boolean userQuotaReached(String userId) {
        int userCount = allocationsPerUser.getOrDefault(userId, 0);
        return config.userAllocationQuota() > 0 && userCount >= config.userAllocationQuota();
    }

    public boolean isFull() {
        return config.maxAllocations() > 0 && allocations.size() >= config.maxAllocations();
    }

    /** Requested lifetime clamped to [default, max]; absent means default. */
    public long lifetimeSeconds(StunAttribute requested) {
        long def = config.defaultAllocationLifetime().toSeconds();
        long max = config.maxAllocationLifetime().toSeconds();
        if (requested == null || requested.asU32() < 0) {
            return def;
        }
        return Math.min(max, Math.max(def, requested.asU32()));
    }

    /** When a permission installed or refreshed at {@code now} expires. */
    public long permissionExpiry(long now) {
        return now + permissionNanos;
    }

    /** When a channel binding made or refreshed at {@code now} expires. */
    public long channelExpiry(long now) {
        return now + channelNanos;
    }

    /** A relay socket on any free port of the range, or null when none is left. */
    public DatagramChannel openRelay() throws IOException {
        return ports.open();
    }

    /**
     * A relay socket on an even port, with the next port held as a reservation when asked (EVEN-PORT R bit).
     *
     * @return the socket and the reservation's token (null when none was asked for), or null when no port fits
     */
    public EvenPort openEvenRelay(boolean reserveNext) throws IOException {
        DatagramChannel[] pair = ports.open(true, reserveNext);
        if (pair == null) {
            return null;
        }
        Long token = null;
        if (reserveNext) {
            token = random.nextLong();
            reservations.put(token, new Reservation(pair[1], System.nanoTime() + RESERVATION_NANOS));
        }
        return new EvenPort(pair[0], token);
    }

    /** A relay socket on an even port and the token of the next port's reservation, if one was made. */
    public record EvenPort(DatagramChannel relay, Long reservationToken) {
    }

    /** The relay socket reserved under an 8-byte RESERVATION-TOKEN, or null when there is none (any more). */
    public DatagramChannel takeReservation(byte[] token) {
        Reservation r = reservations.remove(ByteBuffer.wrap(token).getLong());
        return r == null ? null : r.channel();
    }

    /** Gives back a relay socket that never became an allocation. */
    public void discardRelay(DatagramChannel relay, int port) {
        ports.release(port);
        Sockets.closeQuietly(relay);
    }

    public void add(Allocation a) {
        allocations.add(a);
        if (a.tcp() != null) {
            a.tcp().allocation(a);
        } else {
            udpAllocations.put(a.client(), a);
        }
        allocationsPerUser.merge(a.userId(), 1, Integer::sum);
        active = allocations.size();
        metrics.activeAllocations(active);
    }

    public void delete(Allocation a) {
        if (!allocations.remove(a)) {
            return;
        }
        if (a.tcp() != null) {
            a.tcp().allocation(null);
        } else {
            udpAllocations.remove(a.client());
        }
        allocationsPerUser.computeIfPresent(a.userId(), (k, v) -> v > 1 ? v - 1 : null);
        Sockets.closeQuietly(a.relay());
        ports.release(a.relayAddress().getPort());
        active = allocations.size();
        metrics.activeAllocations(active);
        Log.debugf("allocation %s deleted", a.relayAddress());
    }

    /** Deletes expired allocations and reservations, and expired permissions and channels of the others. */
    public void sweep(long now) {
        for (Iterator<Allocation> it = new ArrayList<>(allocations).iterator(); it.hasNext();) {
            Allocation a = it.next();
            if (a.isExpired(now)) {
                delete(a);
            } else {
                a.sweep(now);
            }
        }
        for (Iterator<Reservation> it = reservations.values().iterator(); it.hasNext();) {
            Reservation r = it.next();
            if (r.expiresAt() - now <= 0) {
                it.remove();
                release(r);
            }
        }
    }

    /** Deletes every allocation and reservation; for shutdown. */
    public void clear() {
        for (Allocation a : new ArrayList<>(allocations)) {
            delete(a);
        }
        reservations.values().forEach(this::release);
        reservations.clear();
    }

    private void release(Reservation r) {
        try {
            ports.release(((InetSocketAddress) r.channel().getLocalAddress()).getPort());
        } catch (IOException e) {
            Log.debug("reservation release failed", e);
        }
        Sockets.closeQuietly(r.channel());
    }
}
