package io.parley.notification.socket.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The notification sockets open on this instance, by user, and the one way to push a server event to all of
 * a user's pages. Keeps the socket metrics: {@code parley.notification.sockets.open} and
 * {@code parley.notification.pushed} (by type).
 * Created at start rather than on first use, so that its metrics are exported from the start.
 */
@Startup
@ApplicationScoped
public class NotificationConnections {

    /** One open page; {@code welcomed} completes once its welcome is written, and pushes wait for it. */
    private record Page(WebSocketConnection connection, CompletableFuture<Void> welcomed) {
    }

    private final Map<String, Map<String, Page>> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, Counter> pushedByType = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final ObjectMapper json;

    public NotificationConnections(MeterRegistry registry, ObjectMapper json) {
        this.registry = registry;
        this.json = json;
        Gauge.builder("parley.notification.sockets.open", open, AtomicInteger::get)
                .description("Notification sockets open on this instance")
                .register(registry);
    }

    /**
     * Starts delivering {@code userId}'s notifications to {@code connection} and sends it {@code welcome} first:
     * anything pushed before the welcome is written waits for it, so that the welcome opens every page's
     * stream and no notification of the meantime is lost.
     */
    public Uni<Void> add(String userId, WebSocketConnection connection, Uni<Envelope> welcome) {
        Page page = new Page(connection, new CompletableFuture<>());
        if (byUser.computeIfAbsent(userId, id -> new ConcurrentHashMap<>()).put(connection.id(), page) == null) {
            open.incrementAndGet();
        }
        return welcome.chain(envelope -> connection.sendText(write(envelope)))
                .onTermination().invoke(() -> page.welcomed().complete(null));
    }

    /** Stops delivering to {@code connection}; forgets the user once their last socket is gone. */
    public void remove(String userId, WebSocketConnection connection) {
        byUser.computeIfPresent(userId, (id, pages) -> {
            if (pages.remove(connection.id()) != null) {
                open.decrementAndGet();
            }
            return pages.isEmpty() ? null : pages;
        });
    }

    /**
     * Sends a server event to every socket {@code userId} has open on this instance and returns how many
     * there were. Does not wait for the writes: a slow or broken page must not hold up the others.
     */
    public int push(String userId, String type, Object payload) {
        Map<String, Page> pages = byUser.get(userId);
        if (pages == null || pages.isEmpty()) {
            return 0;
        }
        String text = write(Envelope.event(type, payload));
        Counter pushed = pushedByType.computeIfAbsent(type, t -> Counter.builder("parley.notification.pushed")
                .description("Notifications written to sockets, one per socket")
                .tag("type", t)
                .register(registry));
        int count = 0;
        for (Page page : pages.values()) {
            count++;
            page.welcomed().thenRun(() -> page.connection().sendText(text).subscribe().with(
                    sent -> pushed.increment(),
                    failure -> Log.debugf("%s not delivered to connection %s: %s", type, page.connection().id(),
                            failure)));
        }
        return count;
    }

    /** The JSON text of {@code envelope}. */
    public String write(Envelope envelope) {
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            // Envelopes hold records of strings, numbers and enums: failing here is a programming error.
            throw new IllegalStateException("cannot write " + envelope.type(), e);
        }
    }
}
