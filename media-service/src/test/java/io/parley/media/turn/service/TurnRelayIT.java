package io.parley.media.turn.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.media.turn.TurnMetrics;
import io.parley.media.turn.TurnServerConfig;
import io.parley.media.turn.config.TurnConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relay's lifecycle and settings as the service applies them, with the real config mapping and sockets. */
class TurnRelayIT {

    private static TurnConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder()
                .withMapping(TurnConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(values, "test", 500))
                .build()
                .getConfigMapping(TurnConfig.class);
    }

    @Test
    void defaultsServeTheLocalStackOnLoopback() {
        TurnConfig config = config(Map.of());
        TurnServerConfig server = TurnRelay.serverConfig(config);
        assertEquals("127.0.0.1", server.listenAddress());
        assertEquals(3478, server.udpPort());
        assertEquals(3478, server.tcpPort());
        assertEquals("127.0.0.1", server.relayAddress());
        assertEquals(49160, server.relayPortMin());
        assertEquals(49200, server.relayPortMax());
        assertEquals("parley", server.realm());
        assertEquals(TurnConfig.DEMO_SHARED_SECRET, server.sharedSecret());
        assertEquals(List.of(), server.allowedPeerCidrs());
        assertFalse(server.legacyChannelNumbers());
        assertEquals(Duration.ofHours(12), config.credentialTtl());
        assertEquals("localhost", config.publicHost());
    }

    @Test
    void relayAddressFollowsTheListenAddressUnlessSet() {
        assertEquals("0.0.0.0", TurnRelay.serverConfig(config(Map.of("parley.turn.listen-address", "0.0.0.0")))
                .relayAddress());
        assertEquals("10.0.0.7", TurnRelay.serverConfig(config(Map.of("parley.turn.listen-address", "0.0.0.0",
                "parley.turn.relay-address", "10.0.0.7"))).relayAddress());
    }

    @Test
    void unusablePeerRangeIsReportedWithTheSettingName() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TurnRelay.serverConfig(
                config(Map.of("parley.turn.allowed-peer-cidrs", "127.0.0.0/8,intranet.example"))));
        assertTrue(e.getMessage().startsWith("parley.turn.allowed-peer-cidrs"), e.getMessage());
        assertTrue(e.getMessage().contains("intranet.example"), e.getMessage());
    }

    @Test
    void udpPortInUseFailsTheStartNamingThePort() throws Exception {
        try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = holder.getLocalPort();
            TurnRelay relay = new TurnRelay(config(Map.of("parley.turn.port", String.valueOf(port))), TurnMetrics.NOOP);
            IllegalStateException e = assertThrows(IllegalStateException.class, relay::start);
            assertTrue(e.getMessage().contains("UDP port " + port + " on 127.0.0.1"), e.getMessage());
            assertTrue(e.getMessage().contains("parley.turn.port"), e.getMessage());
            assertTrue(relay.running().isEmpty());
        }
    }

    @Test
    void tcpPortInUseFailsTheStartNamingThePort() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = holder.getLocalPort();
            TurnRelay relay = new TurnRelay(config(Map.of("parley.turn.port", String.valueOf(port))), TurnMetrics.NOOP);
            IllegalStateException e = assertThrows(IllegalStateException.class, relay::start);
            assertTrue(e.getMessage().contains("TCP port " + port + " on 127.0.0.1"), e.getMessage());
        }
    }

    @Test
    void startedRelayRunsUntilStopped() {
        TurnRelay relay = new TurnRelay(config(Map.of("parley.turn.port", "0")), TurnMetrics.NOOP);
        relay.start();
        try {
            assertTrue(relay.running().isPresent());
            assertTrue(relay.running().get().udpPort() > 0);
        } finally {
            relay.stop();
        }
        assertTrue(relay.running().isEmpty());
    }

    @Test
    void disabledRelayBindsNothing() {
        TurnRelay relay = new TurnRelay(config(Map.of("parley.turn.enabled", "false")), TurnMetrics.NOOP);
        relay.start();
        assertFalse(relay.enabled());
        assertTrue(relay.running().isEmpty());
    }
}
