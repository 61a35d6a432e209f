package io.parley.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/run calls|idle-sockets [--option value ...]} against a stack started with ./parley up, and
 * {@code bench/run echo} against a media-service it starts itself. Prints numbers; never fails on them.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("calls") || args[0].equals("idle-sockets") || args[0].equals("echo")
                || args[0].equals("resilience"))) {
            System.err.println("""
                    usage: bench/run calls [--users 200] [--rate 100] [--seconds 30]
                           bench/run idle-sockets [--count 20000]
                           bench/run resilience [--calls 100]   (starts two signaling instances of its own)
                           tools/netns-run bench/run echo [--sessions 4] [--seconds 30] [--warmup 10] [--rounds 1]
                                                          [--java-opts "-Xmx256m ..."] [--server-cpus 1]
                    common: [--host localhost] [--state .parley]""");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String host = options.getOrDefault("host", "localhost");
        Path state = Path.of(options.getOrDefault("state", ".parley"));
        String keycloak = "http://" + host + ":8180";
        if (args[0].equals("echo")) {
            new EchoBench(Integer.parseInt(options.getOrDefault("sessions", "4")),
                    Integer.parseInt(options.getOrDefault("seconds", "30")),
                    Integer.parseInt(options.getOrDefault("warmup", "10")),
                    Integer.parseInt(options.getOrDefault("rounds", "1")),
                    List.of(options.getOrDefault("java-opts", EchoBench.DEFAULT_JAVA_OPTS).trim().split("\\s+")),
                    options.get("server-cpus")).run();
        } else if (args[0].equals("resilience")) {
            new ResilienceBench(host, Integer.parseInt(options.getOrDefault("calls", "100"))).run();
        } else if (args[0].equals("calls")) {
            new CallSetupBench(new CallSetupBench.Target(keycloak, "ws://" + host + ":8081/ws/signaling",
                    "ws://" + host + ":8083/ws/notifications", "ws://" + host + ":8082/ws/presence",
                    "http://" + host + ":8082", state),
                    Integer.parseInt(options.getOrDefault("users", "200")),
                    Integer.parseInt(options.getOrDefault("rate", "100")),
                    Integer.parseInt(options.getOrDefault("seconds", "30"))).run();
        } else {
            new IdleSocketsBench(keycloak, "http://" + host + ":8081", state,
                    Integer.parseInt(options.getOrDefault("count", "20000"))).run();
        }
        System.exit(0);
    }
}
