package io.parley.notification.socket.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.protocol.EnvelopeWriter;
import io.parley.protocol.notification.NotificationMessages;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
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
    private final EnvelopeWriter messages;

    public NotificationConnections(MeterRegistry registry, EnvelopeWriter messages) {
        this.registry = registry;
        this.messages = messages;
        Gauge.builder("parley.notification.sockets.open", open, AtomicInteger::get)
                .description("Notification sockets open on this instance")
                .register(registry);
        for (String type : List.of(NotificationMessages.INCOMING_CALL, NotificationMessages.INCOMING_CALL_CLOSED,
                NotificationMessages.MISSED_CALL)) {
            pushed(type);
        }
    }

    private Counter pushed(String type) {
        return pushedByType.computeIfAbsent(type, t -> Counter.builder("parley.notification.pushed")
                .description("Notifications written to sockets, one per socket")
                .tag("type", t)
                .register(registry));
    }

    /**
     * Starts delivering {@code userId}'s notifications to {@code connection} and sends it {@code welcome} first:
     * anything pushed before the welcome is written waits for it, so that the welcome opens every page's
     * stream and no notification of the meantime is lost.
     */
    public Uni<Void> add(String userId, WebSocketConnection connection, Uni<String> welcome) {
        Page page = new Page(connection, new CompletableFuture<>());
        if (byUser.computeIfAbsent(userId, id -> new ConcurrentHashMap<>()).put(connection.id(), page) == null) {
            open.incrementAndGet();
        }
        return welcome.chain(connection::sendText)
                .onTermination().invoke(() -> page.welcomed().complete(null));
    }

    /** Sends a server event to one socket, after its welcome (a catch-up for that page only). */
    public void pushTo(WebSocketConnection connection, String userId, String type, Object payload) {
        Map<String, Page> pages = byUser.get(userId);
        Page page = pages == null ? null : pages.get(connection.id());
        if (page == null) {
            return;
        }
        String text = messages.event(type, payload);
        Counter pushed = pushed(type);
        page.welcomed().thenRun(() -> page.connection().sendText(text).subscribe().with(
                sent -> pushed.increment(),
                failure -> Log.debugf("%s not delivered to connection %s: %s", type, connection.id(), failure)));
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
        String text = messages.event(type, payload);
        Counter pushed = pushed(type);
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
}
