package io.parley.media.turn.service;

import io.parley.media.turn.Cidr;
import io.parley.media.turn.TurnMetrics;
import io.parley.media.turn.TurnServer;
import io.parley.media.turn.TurnServerConfig;
import io.parley.media.turn.config.TurnConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Runs the TURN/STUN relay for the life of the service: binds it when the application starts (a port that
 * cannot be bound fails the start, naming the port) and closes it on shutdown.
 */
@Singleton
public class TurnRelay {

    private final TurnConfig config;
    private final TurnMetrics metrics;
    private volatile TurnServer server;

    public TurnRelay(TurnConfig config, TurnMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /**
     * Binds the UDP and TCP listeners unless the relay is disabled.
     *
     * @throws IllegalStateException naming the setting and port at fault when the relay cannot start
     */
    public synchronized void start() {
        if (!config.enabled()) {
            Log.info("TURN relay disabled (parley.turn.enabled=false)");
            return;
        }
        if (server != null) {
            return;
        }
        TurnServerConfig serverConfig = serverConfig(config);
        warnAboutUnsafeSettings(serverConfig);
        TurnServer started = new TurnServer(serverConfig, metrics, Clock.systemUTC());
        try {
            started.start();
        } catch (IOException e) {
            // The relay's bind failure already names the transport, address and port.
            String reason = e instanceof BindException ? e.getMessage() : "TURN relay cannot start: " + e;
            throw new IllegalStateException(reason
                    + " (parley.turn.port / PARLEY_TURN_PORT chooses the port, parley.turn.listen-address the address)",
                    e);
        }
        server = started;
        Log.infof("TURN relay listening on %s: UDP port %d, TCP port %d; relay ports %d-%d on %s; realm %s",
                serverConfig.listenAddress(), started.udpPort(), started.tcpPort(), serverConfig.relayPortMin(),
                serverConfig.relayPortMax(), serverConfig.relayAddress(), serverConfig.realm());
    }

    /** Closes the listeners and every allocation; a no-op when the relay is not running. */
    public synchronized void stop() {
        TurnServer running = server;
        server = null;
        if (running != null) {
            running.close();
        }
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The relay while its sockets are bound and its event loop runs. */
    public Optional<TurnServer> running() {
        TurnServer current = server;
        return current != null && current.isRunning() ? Optional.of(current) : Optional.empty();
    }

    /** Translates the service settings into the relay's, naming the setting when a value is unusable. */
    static TurnServerConfig serverConfig(TurnConfig config) {
        if (config.port() < 0 || config.port() > 65535) {
            throw new IllegalStateException("parley.turn.port must be 0-65535, not " + config.port());
        }
        if (config.relayPortMin() < 1 || config.relayPortMax() > 65535 || config.relayPortMin() > config.relayPortMax()) {
            throw new IllegalStateException("parley.turn.relay-port-min/max must be a range within 1-65535, not "
                    + config.relayPortMin() + "-" + config.relayPortMax());
        }
        if (config.credentialTtl().isNegative() || config.credentialTtl().isZero()) {
            throw new IllegalStateException("parley.turn.credential-ttl must be positive");
        }
        List<String> allowedPeers = config.allowedPeerCidrs().orElse(List.of());
        for (String cidr : allowedPeers) {
            try {
                Cidr.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("parley.turn.allowed-peer-cidrs: " + e.getMessage(), e);
            }
        }
        try {
            return TurnServerConfig.builder(config.realm(), config.sharedSecret())
                    .listenAddress(config.listenAddress())
                    .udpPort(config.port())
                    .tcpPort(config.port())
                    .relayAddress(config.relayAddress().orElse(config.listenAddress()))
                    .relayPortRange(config.relayPortMin(), config.relayPortMax())
                    .userAllocationQuota(config.userAllocationQuota())
                    .bandwidthBytesPerSecond(config.bandwidthBytesPerSecond())
                    .requestsPerSecondPerSource(config.requestsPerSecondPerSource())
                    .allowedPeerCidrs(allowedPeers)
                    .legacyChannelNumbers(config.legacyChannelNumbers())
                    .externalAddress(config.externalAddress().orElse(null))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("parley.turn settings rejected: " + e.getMessage(), e);
        }
    }

    private void warnAboutUnsafeSettings(TurnServerConfig serverConfig) {
        List<String> profiles = ConfigUtils.getProfiles();
        if (TurnConfig.DEMO_SHARED_SECRET.equals(serverConfig.sharedSecret())
                && !profiles.contains("dev") && !profiles.contains("test")) {
            Log.warn("TURN relay uses the demo shared secret, which is public: anyone can mint credentials for it. "
                    + "Set PARLEY_TURN_SHARED_SECRET (parley.turn.shared-secret) outside local demos.");
        }
        if (isWildcard(serverConfig.relayAddress())) {
            Log.warnf("TURN relay address %s is a wildcard: clients would be told to reach their relay there. "
                    + "Set PARLEY_TURN_RELAY_ADDRESS (parley.turn.relay-address) to an address peers can reach.",
                    serverConfig.relayAddress());
        }
    }

    private static boolean isWildcard(String address) {
        try {
            return InetAddress.getByName(address).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            // Reported with the setting's name when the relay binds it.
            return false;
        }
    }
}
