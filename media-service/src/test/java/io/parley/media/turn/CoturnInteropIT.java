package io.parley.media.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.common.turn.TurnCredentials;
import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Interop with coturn's turnutils_uclient and turnutils_peer on loopback; skipped only when coturn is not installed. */
class CoturnInteropIT {
    private static final String SECRET = "interop-secret";
    private static final Pattern LOST = Pattern.compile("Total lost packets (\\d+)");
    private static final Pattern TOTALS = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");

    private static TurnServer server;
    private static Process peer;
    private static int peerPort;

    private static String binary(String name) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
            File f = new File(dir, name);
            if (!dir.isEmpty() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    @BeforeAll
    static void startServerAndPeer() throws Exception {
        Assumptions.assumeTrue(binary("turnutils_uclient") != null && binary("turnutils_peer") != null,
                "coturn client tools (turnutils_uclient, turnutils_peer) not installed: "
                        + "apt-get install -y coturn to run the interop test");
        server = new TurnServer(TurnServerConfig.builder("parley.interop", SECRET)
                .listenAddress("127.0.0.1").udpPort(0).tcpPort(0)
                .relayAddress("127.0.0.1").relayPortRange(51000, 51999)
                .userAllocationQuota(0)
                .allowedPeerCidrs(List.of("127.0.0.0/8"))
                .legacyChannelNumbers(true)
                .build(), TurnMetrics.NOOP, Clock.systemUTC());
        server.start();
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peerPort = probe.getLocalPort();
        }
        peer = new ProcessBuilder(binary("turnutils_peer"), "-L", "127.0.0.1", "-p", String.valueOf(peerPort))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        awaitPeerEcho();
    }

    /** turnutils_peer echoes datagrams, so an echo proves it is listening; no fixed sleep needed. */
    private static void awaitPeerEcho() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(100);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            while (System.nanoTime() < deadline) {
                s.send(new DatagramPacket(ping, ping.length, new InetSocketAddress("127.0.0.1", peerPort)));
                try {
                    s.receive(new DatagramPacket(new byte[64], 64));
                    return;
                } catch (SocketTimeoutException e) {
                    // not up yet
                }
            }
        }
        throw new AssertionError("turnutils_peer did not come up on port " + peerPort);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (peer != null) {
            peer.destroy();
            peer.waitFor(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "udp-channels-minted, false, false, false",
        "udp-send-indications-rest-secret, false, true, true",
        "tcp-channels-rest-secret, true, false, true",
        "tcp-send-indications-minted, true, true, false",
    })
    void uclientReportsNoLoss(String name, boolean tcp, boolean sendIndications, boolean restSecret) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary("turnutils_uclient")));
        if (tcp) {
            cmd.add("-t");
        }
        if (sendIndications) {
            cmd.add("-s");
        }
        if (restSecret) {
            cmd.addAll(List.of("-W", SECRET, "-u", "uclient"));
        } else {
            TurnCredentials.Minted m = new TurnCredentials(SECRET, Clock.systemUTC()).mint("uclient", Duration.ofHours(1));
            cmd.addAll(List.of("-u", m.username(), "-w", m.password()));
        }
        cmd.addAll(List.of("-e", "127.0.0.1", "-r", String.valueOf(peerPort),
                "-p", String.valueOf(tcp ? server.tcpPort() : server.udpPort()),
                "-n", "100", "-m", "4", "-l", "170", "-z", "5", "127.0.0.1"));
        Path out = Files.createTempFile("uclient", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("uclient timed out:\n" + Files.readString(out));
            }
            String log = Files.readString(out);
            assertEquals(0, p.exitValue(), log);
            Matcher lost = LOST.matcher(log);
            assertTrue(lost.find(), "no loss summary in uclient output:\n" + log);
            assertEquals("0", lost.group(1), log);
            Matcher totals = TOTALS.matcher(log);
            String lastSend = null;
            String lastRecv = null;
            while (totals.find()) {
                lastSend = totals.group(1);
                lastRecv = totals.group(2);
            }
            // 4 clients x 100 messages each must all have gone out and come back through the relay.
            assertEquals("400", lastSend, log);
            assertEquals("400", lastRecv, log);
            assertFalse(log.contains("error"), "uclient reported an error:\n" + log);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
