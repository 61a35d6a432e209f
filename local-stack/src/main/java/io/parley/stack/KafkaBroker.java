package io.parley.stack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) run as a child JVM from the
 * jars Maven resolved. Storage is formatted on first use and reused afterwards.
 */
public final class KafkaBroker implements AutoCloseable {

    public static final String NAME = "kafka";

    private final ChildProcess process;
    private final int port;

    private KafkaBroker(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the broker listening on 127.0.0.1:{@code port}; returns once it is started (not yet ready). */
    public static KafkaBroker start(Path dataDir, int port, int controllerPort, Path log, Path pidDir) {
        return start(dataDir, new Node(1, port, controllerPort), List.of(new Node(1, port, controllerPort)), clusterId(),
                log, pidDir);
    }

    /** One node of a KRaft cluster (broker and controller): its id, client port and controller port. */
    public record Node(int id, int port, int controllerPort) {
    }

    /**
     * Starts a cluster of {@code size} nodes (each broker and controller, as production's three-broker setups run),
     * with internal topics replicated to every node (at most 3) and 2 in sync required once there are three; returns
     * once they are started. For failover tests: kill one and the others carry on.
     */
    public static List<KafkaBroker> startCluster(Path dataDir, int size, Path logDir) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            nodes.add(new Node(i, Ports.free(), Ports.free()));
        }
        String clusterId = clusterId();
        List<KafkaBroker> brokers = new ArrayList<>();
        for (Node node : nodes) {
            brokers.add(start(dataDir.resolve("node-" + node.id()), node, nodes, clusterId,
                    logDir.resolve("kafka-" + node.id() + ".log"), null));
        }
        return brokers;
    }

    /** The bootstrap servers of a cluster: every node. */
    public static String bootstrapServers(List<KafkaBroker> cluster) {
        return String.join(",", cluster.stream().map(KafkaBroker::bootstrapServers).toList());
    }

    private static KafkaBroker start(Path dataDir, Node node, List<Node> voters, String clusterId, Path log, Path pidDir) {
        dataDir = dataDir.toAbsolutePath();
        int port = node.port();
        int controllerPort = node.controllerPort();
        int replicas = Math.min(3, voters.size());
        String quorum = String.join(",", voters.stream().map(v -> v.id() + "@127.0.0.1:" + v.controllerPort()).toList());
        try {
            Path logDirs = dataDir.resolve("log");
            Files.createDirectories(logDirs);
            Path config = dataDir.resolve("server.properties");
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", Integer.toString(node.id()));
            p.setProperty("controller.quorum.voters", quorum);
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("log.dirs", logDirs.toString());
            p.setProperty("num.partitions", "3");
            p.setProperty("auto.create.topics.enable", "true");
            String minIsr = Integer.toString(replicas >= 3 ? 2 : 1);
            p.setProperty("offsets.topic.replication.factor", Integer.toString(replicas));
            p.setProperty("offsets.topic.num.partitions", "5");
            p.setProperty("transaction.state.log.replication.factor", Integer.toString(replicas));
            p.setProperty("transaction.state.log.min.isr", minIsr);
            p.setProperty("share.coordinator.state.topic.replication.factor", Integer.toString(replicas));
            p.setProperty("share.coordinator.state.topic.min.isr", minIsr);
            p.setProperty("default.replication.factor", Integer.toString(replicas));
            p.setProperty("min.insync.replicas", minIsr);
            if (voters.size() > 1) {
                // A dead broker is noticed in seconds (default 9 s): the failover the tests measure.
                p.setProperty("broker.session.timeout.ms", "4000");
                p.setProperty("broker.heartbeat.interval.ms", "1000");
            }
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            try (var out = Files.newOutputStream(config)) {
                p.store(out, "written by Parley's local stack on every start");
            }
            Path log4j = StackArtifacts.copyResource("kafka-log4j2.properties", dataDir.resolve("log4j2.properties"));
            String java = javaExecutable();
            List<String> jvm = List.of(java, "-Xms64m", "-Xmx320m", "-XX:+UseSerialGC",
                    "-Dlog4j2.configurationFile=" + log4j, "-cp", StackArtifacts.kafkaBrokerClasspath(),
                    "io.parley.stack.child.ParentWatchdog");
            if (!Files.exists(logDirs.resolve("meta.properties"))) {
                List<String> format = new ArrayList<>(jvm);
                format.addAll(List.of("kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId, "--config=" + config));
                ChildProcess formatting = ChildProcess.start(NAME + "-format", format, Map.of(), dataDir, log, null);
                int code = formatting.waitFor(Duration.ofSeconds(60)).orElse(-1);
                if (code != 0) {
                    formatting.stop(Duration.ofSeconds(1));
                    throw new StartupException(NAME, "formatting the storage failed (exit " + code + ")", log);
                }
            }
            List<String> serve = new ArrayList<>(jvm);
            serve.addAll(List.of("kafka.Kafka", config.toString()));
            return new KafkaBroker(ChildProcess.start(NAME, serve, Map.of(), dataDir, log, pidDir), port);
        } catch (IOException e) {
            throw new StartupException(NAME, "could not prepare " + dataDir + ": " + e.getMessage(), log);
        }
    }

    /**
     * A handle on a broker that runs already (started by someone else in this JVM or outside it): it
     * reports the address and does not stop the broker on close.
     */
    public static KafkaBroker attach(String bootstrapServers) {
        return new KafkaBroker(null, Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1)));
    }

    /** Waits until the broker answers a metadata request. */
    public KafkaBroker awaitReady(Duration timeout) {
        Await.until(NAME, timeout, process::alive, this::answers, process.log());
        return this;
    }

    private boolean answers() {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(config)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop(Duration.ofSeconds(15));
        }
    }

    static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String clusterId() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
