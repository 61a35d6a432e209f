package io.parley.presence.status.ws;

import io.parley.presence.status.service.Presence;
import io.parley.presence.status.service.PresenceUpdate;
import io.parley.protocol.EnvelopeWriter;
import io.parley.protocol.presence.PresenceMessages;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which presence sockets watch which users, and the {@code status} pushes to them when a watched user's
 * effective status changes. Each {@code watch} replaces the socket's previous list.
 */
@ApplicationScoped
public class StatusWatchers {

    private final Map<String, Set<WebSocketConnection>> watchersOf = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> watchedBy = new ConcurrentHashMap<>();
    private final EnvelopeWriter messages;

    public StatusWatchers(EnvelopeWriter messages) {
        this.messages = messages;
    }

    /** From now on {@code connection} gets the status changes of exactly {@code userIds}. */
    public synchronized void watch(WebSocketConnection connection, Collection<String> userIds) {
        unwatch(connection);
        Set<String> watched = new LinkedHashSet<>(userIds);
        watchedBy.put(connection.id(), watched);
        for (String userId : watched) {
            watchersOf.computeIfAbsent(userId, id -> ConcurrentHashMap.newKeySet()).add(connection);
        }
    }

    /** The socket closed or watches nothing any more. */
    public synchronized void unwatch(WebSocketConnection connection) {
        Set<String> watched = watchedBy.remove(connection.id());
        if (watched == null) {
            return;
        }
        for (String userId : watched) {
            Set<WebSocketConnection> watchers = watchersOf.get(userId);
            if (watchers != null) {
                watchers.remove(connection);
                if (watchers.isEmpty()) {
                    watchersOf.remove(userId);
                }
            }
        }
    }

    void onUpdate(@Observes PresenceUpdate update) {
        if (!update.statusChanged()) {
            return;
        }
        Presence presence = update.presence();
        Set<WebSocketConnection> watchers = watchersOf.get(presence.userId());
        if (watchers == null || watchers.isEmpty()) {
            return;
        }
        String text = messages.event(PresenceMessages.STATUS,
                new PresenceMessages.StatusEvent(presence.userId(), presence.status()));
        for (WebSocketConnection watcher : watchers) {
            if (watcher.isOpen()) {
                watcher.sendText(text).subscribe().with(
                        sent -> {
                        },
                        failure -> Log.debugf("presence: status push to %s failed: %s", watcher.id(), failure));
            }
        }
    }
}
