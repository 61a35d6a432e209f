package io.parley.stack;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The whole Parley suite on one machine: PostgreSQL, Kafka and Keycloak, then every service and the
 * gateway, started in parallel where they do not depend on each other, each awaited until ready.
 * Used by {@code ./parley up} (fixed, documented ports) and by end-to-end tests (free ports).
 */
public final class LocalStack implements AutoCloseable {

    /** A Parley service: its short name, Maven module, and whether it keeps data in its own database. */
    public record ServiceSpec(String name, String module, boolean hasDatabase) {
    }

    public static final List<ServiceSpec> SERVICES = List.of(
            new ServiceSpec("signaling", "signaling-service", true),
            new ServiceSpec("presence", "presence-service", false),
            new ServiceSpec("notification", "notification-service", true),
            new ServiceSpec("admin", "admin-service", true),
            new ServiceSpec("media", "media-service", false));

    /** Databases created in the stack's PostgreSQL. */
    public static final List<String> DATABASES = List.of("signaling", "notification", "admin", "keycloak");

    /** Where things listen. {@link #standard()} is what the README documents. */
    public record PortPlan(int gateway, Map<String, Integer> services, int keycloak, int kafka, int kafkaController,
            int postgres, int turn) {

        public static PortPlan standard() {
            Map<String, Integer> services = new LinkedHashMap<>();
            int port = 8081;
            for (ServiceSpec spec : SERVICES) {
                services.put(spec.name(), port++);
            }
            return new PortPlan(8080, services, 8180, 9092, 9093, 15432, 3478);
        }

        public static PortPlan free() {
            Map<String, Integer> services = new LinkedHashMap<>();
            for (ServiceSpec spec : SERVICES) {
                services.put(spec.name(), Ports.free());
            }
            return new PortPlan(Ports.free(), services, Ports.free(), Ports.free(), Ports.free(), Ports.free(),
                    Ports.free());
        }

        /** Every port with the component that wants it, in start order. */
        Map<Integer, String> claims() {
            Map<Integer, String> claims = new LinkedHashMap<>();
            claims.put(postgres, Postgres.NAME);
            claims.put(kafka, KafkaBroker.NAME);
            claims.put(kafkaController, KafkaBroker.NAME + " controller");
            claims.put(keycloak, Keycloak.NAME);
            services.forEach((name, port) -> claims.put(port, name));
            claims.put(turn, "media (TURN relay)");
            claims.put(gateway, "gateway");
            return claims;
        }
    }

    /**
     * @param projectDir the checkout, holding each module's {@code target/quarkus-app}
     * @param stateDir database, Kafka log, logs and pid files; delete it to start clean
     * @param cacheDir unpacked distributions (Keycloak, PostgreSQL binaries), reused between starts
     * @param pidDir where pid files go so another shell can stop the stack, or null for none
     * @param overrides extra configuration per component ("signaling", …, "gateway"), applied last
     */
    public record Options(Path projectDir, Path stateDir, Path cacheDir, PortPlan ports, Path pidDir,
            Duration keycloakTimeout, PrintStream out, Map<String, Map<String, String>> overrides) {

        public Options {
            overrides = Map.copyOf(overrides);
        }

        public Options(Path projectDir, Path stateDir, Path cacheDir, PortPlan ports, Path pidDir,
                Duration keycloakTimeout, PrintStream out) {
            this(projectDir, stateDir, cacheDir, ports, pidDir, keycloakTimeout, out, Map.of());
        }

        /** These options with {@code config} added to {@code component}'s configuration. */
        public Options with(String component, Map<String, String> config) {
            Map<String, Map<String, String>> merged = new LinkedHashMap<>(overrides);
            Map<String, String> forComponent = new LinkedHashMap<>(merged.getOrDefault(component, Map.of()));
            forComponent.putAll(config);
            merged.put(component, forComponent);
            return new Options(projectDir, stateDir, cacheDir, ports, pidDir, keycloakTimeout, out, merged);
        }
    }

    /** One row of the "what runs where" table. */
    public record Row(String component, String state, String url, Path log, long pid) {
    }

    private final Options options;
    private final long startNanos = System.nanoTime();
    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<QuarkusService> services = new ArrayList<>();
    private Postgres postgres;
    private KafkaBroker kafka;
    private Keycloak keycloak;

    private LocalStack(Options options) {
        this.options = options;
    }

    /** Starts everything; on any failure stops what was started and rethrows a {@link StartupException}. */
    public static LocalStack start(Options options) {
        LocalStack stack = new LocalStack(options);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        checkPortsFree();
        Path logs = options.stateDir().resolve("logs");
        Map<String, Path> jars = new LinkedHashMap<>();
        for (ServiceSpec spec : SERVICES) {
            jars.put(spec.name(), QuarkusService.runnableJar(options.projectDir(), spec.module()));
        }
        jars.put("gateway", QuarkusService.runnableJar(options.projectDir(), "gateway"));
        Path realm = options.projectDir().resolve("deploy/keycloak/parley-realm.json");

        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            progress(KafkaBroker.NAME, "starting", logs.resolve("kafka.log"));
            kafka = KafkaBroker.start(options.stateDir().resolve("kafka"), options.ports().kafka(),
                    options.ports().kafkaController(), logs.resolve("kafka.log"), options.pidDir());
            started.add(kafka);
            CompletableFuture<Void> kafkaReady = CompletableFuture.runAsync(() -> {
                kafka.awaitReady(Duration.ofSeconds(60));
                ready(KafkaBroker.NAME, kafka.bootstrapServers(), logs.resolve("kafka.log"), kafka.process().pid());
            }, pool);

            progress(Postgres.NAME, "starting", logs.resolve("postgres.log"));
            postgres = Postgres.start(options.stateDir().resolve("postgres"), options.cacheDir().resolve("postgres"),
                    options.ports().postgres(), false, DATABASES, logs.resolve("postgres.log"), options.pidDir());
            started.add(postgres);
            ready(Postgres.NAME, "postgresql://127.0.0.1:" + postgres.port() + " (user postgres)",
                    logs.resolve("postgres.log"), -1);

            progress(Keycloak.NAME, Keycloak.unpacked(options.cacheDir()) ? "starting"
                    : "starting (first start unpacks and builds it: about a minute)", logs.resolve("keycloak.log"));
            keycloak = Keycloak.start(options.cacheDir(), realm, postgres, "keycloak", options.ports().keycloak(),
                    logs.resolve("keycloak.log"), options.pidDir());
            started.add(keycloak);
            CompletableFuture<Void> keycloakReady = CompletableFuture.runAsync(() -> {
                keycloak.awaitReady(options.keycloakTimeout());
                ready(Keycloak.NAME, keycloak.url() + " (console: admin / admin)", logs.resolve("keycloak.log"),
                        keycloak.process().pid());
            }, pool);

            // Services boot while Kafka and Keycloak still start: they are ready once their connections are.
            List<CompletableFuture<Void>> servicesReady = new ArrayList<>();
            for (ServiceSpec spec : SERVICES) {
                servicesReady.add(startService(spec.name(), jars.get(spec.name()), serviceConfig(spec), pool));
            }
            servicesReady.add(startService("gateway", jars.get("gateway"), gatewayConfig(), pool));
            join(kafkaReady);
            join(keycloakReady);
            servicesReady.forEach(LocalStack::join);
        } finally {
            pool.shutdown();
        }
    }

    private CompletableFuture<Void> startService(String name, Path jar, Map<String, String> config, ExecutorService pool) {
        Path log = options.stateDir().resolve("logs").resolve(name + ".log");
        config = new LinkedHashMap<>(config);
        config.putAll(options.overrides().getOrDefault(name, Map.of()));
        int port = name.equals("gateway") ? options.ports().gateway() : options.ports().services().get(name);
        progress(name, "starting", log);
        QuarkusService service = QuarkusService.start(name, jar, port, config, log, options.pidDir());
        synchronized (this) {
            started.add(service);
            services.add(service);
        }
        return CompletableFuture.runAsync(() -> {
            // Seven JVMs start at once on what may be two busy cores (a signaling start took 57 s under a test run).
            service.awaitReady(Duration.ofSeconds(180));
            String address = service.url() + (name.equals("gateway") ? "  <- open this"
                    : name.equals("media") ? " + turn:localhost:" + options.ports().turn() : "");
            ready(name, address, log, service.process().pid(),
                    String.format(" (JVM to ready: %.1f s)", service.secondsToReady()));
        }, pool);
    }

    private Map<String, String> commonConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.http.host", "127.0.0.1");
        config.put("kafka.bootstrap.servers", "127.0.0.1:" + options.ports().kafka());
        config.put("quarkus.oidc.auth-server-url", "http://localhost:" + options.ports().keycloak() + "/realms/parley");
        return config;
    }

    private Map<String, String> serviceConfig(ServiceSpec spec) {
        Map<String, String> config = commonConfig();
        if (spec.name().equals("presence")) {
            config.put("parley.directory.keycloak-url", "http://localhost:" + options.ports().keycloak());
        }
        if (spec.name().equals("admin")) {
            String turn = "turn:localhost:" + options.ports().turn();
            config.put("parley.admin.webrtc.parley-turn-urls", turn + "?transport=udp," + turn + "?transport=tcp");
        }
        if (spec.name().equals("media")) {
            config.put("parley.turn.port", Integer.toString(options.ports().turn()));
        }
        if (spec.hasDatabase()) {
            config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(spec.name()));
            config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(spec.name()));
        }
        return config;
    }

    private Map<String, String> gatewayConfig() {
        Map<String, String> config = commonConfig();
        options.ports().services().forEach((name, port) ->
                config.put("parley.gateway.routes." + name + ".url", "http://localhost:" + port));
        return config;
    }

    private void checkPortsFree() {
        for (Map.Entry<Integer, String> claim : options.ports().claims().entrySet()) {
            if (Ports.taken(claim.getKey())) {
                throw new StartupException(claim.getValue(), "port " + claim.getKey()
                        + " is already in use. Is Parley already running (./parley status, ./parley down)? "
                        + "Otherwise stop whatever holds the port.", null);
            }
        }
    }

    private static void join(CompletableFuture<Void> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private synchronized void progress(String component, String what, Path log) {
        options.out().printf("[%5.1fs] %-13s %s (log: %s)%n", elapsed(), component, what, relative(log));
    }

    private void ready(String component, String url, Path log, long pid) {
        ready(component, url, log, pid, "");
    }

    private synchronized void ready(String component, String url, Path log, long pid, String note) {
        options.out().printf("[%5.1fs] %-13s ready%s%n", elapsed(), component, note);
        rows.add(new Row(component, "ready", url, log, pid));
    }

    /** Seconds since {@link #start} was called. */
    public double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Prints what runs where, the demo users, and how to stop. */
    public synchronized void printTable() {
        PrintStream out = options.out();
        out.println();
        out.printf("Parley is ready (%.1f s).%n%n", elapsed());
        out.printf("  %-13s %-6s %-58s %s%n", "COMPONENT", "STATE", "ADDRESS", "LOG");
        List<String> order = new ArrayList<>(List.of(Postgres.NAME, KafkaBroker.NAME, Keycloak.NAME));
        SERVICES.forEach(s -> order.add(s.name()));
        order.add("gateway");
        for (String component : order) {
            rows.stream().filter(r -> r.component().equals(component)).findFirst().ifPresent(r ->
                    out.printf("  %-13s %-6s %-58s %s%n", r.component(), r.state(), r.url(), relative(r.log())));
        }
        out.println();
        out.println("  Sign in at http://localhost:" + options.ports().gateway() + " as alice/alice, bob/bob, carol/carol,");
        out.println("  or admin/admin (member of /platform/administrators). Demo credentials: never use them in production.");
        out.println("  State: " + relative(options.stateDir()) + " (delete it to start clean). Stop: Ctrl-C or ./parley down.");
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public List<QuarkusService> services() {
        return List.copyOf(services);
    }

    public Keycloak keycloak() {
        return keycloak;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public Postgres postgres() {
        return postgres;
    }

    public int gatewayPort() {
        return options.ports().gateway();
    }

    /**
     * Stops one service, as a crash ({@code crash}: SIGKILL) or as a rolling restart would (SIGTERM, its drain),
     * and starts it again on the same port with the same settings; returns once it is ready again. For fault
     * tests and operators' drills.
     */
    public void restart(String name, boolean crash) {
        QuarkusService old;
        synchronized (this) {
            old = services.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no service " + name));
        }
        progress(name, crash ? "killed (SIGKILL)" : "stopping (SIGTERM)", old.process().log());
        if (crash) {
            old.process().kill();
        } else {
            old.close();
        }
        synchronized (this) {
            services.remove(old);
            started.remove(old);
        }
        ServiceSpec spec = SERVICES.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        Path jar = QuarkusService.runnableJar(options.projectDir(), spec == null ? "gateway" : spec.module());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            join(startService(name, jar, spec == null ? gatewayConfig() : serviceConfig(spec), pool));
        } finally {
            pool.shutdown();
        }
    }

    /** The first process of the stack that died, if any. */
    public java.util.Optional<ChildProcess> firstDead() {
        List<ChildProcess> processes = new ArrayList<>();
        if (kafka != null) {
            processes.add(kafka.process());
        }
        if (keycloak != null) {
            processes.add(keycloak.process());
        }
        services.forEach(s -> processes.add(s.process()));
        return processes.stream().filter(p -> !p.alive()).findFirst();
    }

    /** Stops everything this stack started, newest first. */
    @Override
    public synchronized void close() {
        List<AutoCloseable> toStop = new ArrayList<>(started);
        java.util.Collections.reverse(toStop);
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        // Services stop in parallel; infrastructure after them, in reverse start order.
        for (AutoCloseable component : toStop) {
            if (component instanceof QuarkusService) {
                stopping.add(CompletableFuture.runAsync(() -> closeQuietly(component)));
            }
        }
        stopping.forEach(CompletableFuture::join);
        for (AutoCloseable component : toStop) {
            if (!(component instanceof QuarkusService)) {
                closeQuietly(component);
            }
        }
        started.clear();
    }

    private void closeQuietly(AutoCloseable component) {
        try {
            component.close();
        } catch (Exception e) {
            options.out().println("stopping " + component + " failed: " + e.getMessage());
        }
    }

    private Path relative(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path absolute = path.toAbsolutePath();
        return absolute.startsWith(cwd) ? cwd.relativize(absolute) : absolute;
    }
}
