package io.parley.media.turn;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Command-line launcher for bench/turn-vs-coturn.sh: runs the relay on loopback until killed (port secret realm). */
public final class TurnServerMain {
    private TurnServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3478;
        String secret = args.length > 1 ? args[1] : "bench-secret";
        String realm = args.length > 2 ? args[2] : "parley.bench";
        TurnServerConfig config = TurnServerConfig.builder(realm, secret)
                .listenAddress("127.0.0.1").udpPort(port).tcpPort(port)
                .relayAddress("127.0.0.1").relayPortRange(52000, 52999)
                .userAllocationQuota(0)
                .allowedPeerCidrs(List.of("127.0.0.0/8"))
                .legacyChannelNumbers(true)
                .build();
        TurnServer server = new TurnServer(config);
        server.start();
        System.out.println("READY udp=" + server.udpPort() + " tcp=" + server.tcpPort());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        new CountDownLatch(1).await();
    }
}
