package io.parley.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens many idle authenticated signaling sockets against one signaling JVM and reports what each costs
 * it: heap (after a full GC before and after) and resident memory.
 */
final class IdleSocketsBench {

    private final String keycloakUrl;
    private final String signalingHttp;
    private final Path stateDir;
    private final int count;

    IdleSocketsBench(String keycloakUrl, String signalingHttp, Path stateDir, int count) {
        this.keycloakUrl = keycloakUrl;
        this.signalingHttp = signalingHttp;
        this.stateDir = stateDir;
        this.count = count;
    }

    void run() throws Exception {
        long pid = ServerStats.pid(stateDir, "signaling").orElseThrow(() -> new IllegalStateException(
                "no " + stateDir.resolve("pids/signaling.pid") + ": start the stack with ./parley up first"));
        Keycloak keycloak = new Keycloak(keycloakUrl);
        String token = keycloak.signIn("alice", "alice").token();

        ServerStats.gc(pid);
        long heapBefore = ServerStats.heapUsed(signalingHttp);
        long rssBefore = ServerStats.rss(pid);

        Vertx vertx = Vertx.vertx();
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(20_000)
                .setMaxConnections(count + 100));
        String uri = signalingHttp.replace("http", "ws") + "/ws/signaling";
        List<BenchSocket> open = new ArrayList<>();
        AtomicInteger welcomed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Semaphore handshakes = new Semaphore(200);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            handshakes.acquire();
            Promise<Void> welcome = Promise.promise();
            Future<BenchSocket> socket = BenchSocket.connect(client, uri, token, (type, m) -> {
                if ("welcome".equals(type)) {
                    welcomed.incrementAndGet();
                    welcome.tryComplete();
                }
            });
            socket.onSuccess(s -> {
                synchronized (open) {
                    open.add(s);
                }
            }).onFailure(e -> {
                if (failed.incrementAndGet() <= 3) {
                    System.out.println("connect failed: " + e.getMessage());
                }
                welcome.tryComplete();
            });
            welcome.future().onComplete(r -> handshakes.release());
            if ((i + 1) % 5000 == 0) {
                System.out.printf("%d sockets requested, %d welcomed%n", i + 1, welcomed.get());
            }
        }
        handshakes.acquire(200);
        double seconds = (System.nanoTime() - start) / 1e9;

        ServerStats.gc(pid);
        long heapAfter = ServerStats.heapUsed(signalingHttp);
        long rssAfter = ServerStats.rss(pid);
        int held = welcomed.get();
        System.out.println();
        System.out.printf("sockets:    %d authenticated and welcomed, %d failed, opened in %.1f s (%.0f/s)%n", held,
                failed.get(), seconds, held / seconds);
        System.out.printf("heap:       %.1f MB -> %.1f MB after full GC: %.1f KB per socket%n", heapBefore / 1e6,
                heapAfter / 1e6, held == 0 ? 0 : (heapAfter - heapBefore) / 1024.0 / held);
        System.out.printf("RSS:        %.0f MB -> %.0f MB: %.1f KB per socket%n", rssBefore / 1e6, rssAfter / 1e6,
                held == 0 ? 0 : (rssAfter - rssBefore) / 1024.0 / held);
        List<Future<Void>> closing = new ArrayList<>();
        synchronized (open) {
            open.forEach(s -> closing.add(s.close()));
        }
        Future.all(closing).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        client.close();
        vertx.close();
    }
}
