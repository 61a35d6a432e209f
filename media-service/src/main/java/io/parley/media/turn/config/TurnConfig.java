package io.parley.media.turn.config;

import io.parley.common.turn.TurnCredentials;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the TURN/STUN relay the media service runs ({@code parley.turn.*}); every default works with
 * {@code ./parley up}, production values come from the environment ({@code PARLEY_TURN_SHARED_SECRET}...).
 */
@ConfigMapping(prefix = "parley.turn")
public interface TurnConfig {

    /**
     * The shared secret used when none is configured. Demo-only: it is public in this repository, so anyone
     * could mint credentials for a relay that keeps it; the service warns at start outside dev and test. The
     * admin service hands out credentials with the same default, so both agree out of the box.
     */
    String DEMO_SHARED_SECRET = TurnCredentials.DEMO_SHARED_SECRET;

    /** Whether the service runs the relay; when false the credentials endpoint answers 503. */
    @WithDefault("true")
    boolean enabled();

    /** Address the UDP and TCP listeners bind; 0.0.0.0 in a container. */
    @WithDefault("127.0.0.1")
    String listenAddress();

    /** Port of both the UDP and the TCP listener; 0 picks one free port number for both. */
    @WithDefault("3478")
    int port();

    /** TURN realm clients see in the 401 challenge and hash into their key. */
    @WithDefault("parley")
    String realm();

    /** Secret of the coturn-compatible REST credentials (HMAC-SHA1 key); same value as coturn's static-auth-secret. */
    @WithDefault(DEMO_SHARED_SECRET)
    String sharedSecret();

    /**
     * Address relay sockets bind and that clients are told to reach them at (XOR-RELAYED-ADDRESS); defaults to the
     * listen address. Must be an address peers can reach, so not a wildcard: in Kubernetes the pod IP.
     */
    Optional<String> relayAddress();

    /**
     * The public address of a relay behind a 1:1 NAT (a cloud VM's elastic IP, a node's external IP with host
     * networking): clients are told their relay is there, on the same port, while relay sockets bind
     * {@code relay-address}. coturn calls it {@code external-ip}. Empty: advertise {@code relay-address}.
     */
    Optional<String> externalAddress();

    /** First UDP port for relay sockets; each allocation holds one port of the range. */
    @WithDefault("49160")
    int relayPortMin();

    /** Last UDP port for relay sockets (inclusive). */
    @WithDefault("49200")
    int relayPortMax();

    /**
     * How long minted credentials stay valid. The relay checks the expiry on every Refresh, CreatePermission and
     * ChannelBind, so a call cannot outlive the credentials it started with: 12 hours covers a working day of
     * calls while bounding the use of a leaked password.
     */
    @WithDefault("12h")
    Duration credentialTtl();

    /** Concurrent allocations per user (token subject); 0 = unlimited. */
    @WithDefault("10")
    int userAllocationQuota();

    /** Relay budget per allocation, both directions combined; 10 Mbit/s by default; 0 = unlimited. */
    @WithDefault("1250000")
    long bandwidthBytesPerSecond();

    /** STUN/TURN requests accepted per source IP address per second (media is not counted); 0 = unlimited. */
    @WithDefault("100")
    int requestsPerSecondPerSource();

    /**
     * Peer ranges (CIDR) clients may relay to although the built-in rules deny them; empty refuses loopback,
     * private, link-local and multicast peers (protects internal services from being reached through the relay).
     */
    Optional<List<String>> allowedPeerCidrs();

    /** Also accept the RFC 5766 channel numbers 0x5000-0x7FFF that some clients (coturn's uclient) still use. */
    @WithDefault("false")
    boolean legacyChannelNumbers();

    /** Host name or address put in the {@code turn:} URIs handed to clients; must be reachable by browsers. */
    @WithDefault("localhost")
    String publicHost();
}
