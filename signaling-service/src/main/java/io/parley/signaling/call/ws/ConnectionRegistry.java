package io.parley.signaling.call.ws;

import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The signaling sockets open on this instance, by connection id and by user. */
@ApplicationScoped
public class ConnectionRegistry {

    private final Map<String, SignalingConnection> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> idsByUser = new ConcurrentHashMap<>();

    SignalingConnection add(String userId, String name, String avatar, WebSocketConnection socket) {
        SignalingConnection connection = new SignalingConnection(userId, name, avatar, socket);
        byId.put(connection.id(), connection);
        idsByUser.computeIfAbsent(userId, u -> ConcurrentHashMap.newKeySet()).add(connection.id());
        return connection;
    }

    SignalingConnection remove(String connectionId) {
        SignalingConnection connection = byId.remove(connectionId);
        if (connection != null) {
            idsByUser.computeIfPresent(connection.userId(), (u, ids) -> {
                ids.remove(connectionId);
                return ids.isEmpty() ? null : ids;
            });
        }
        return connection;
    }

    public SignalingConnection get(String connectionId) {
        return connectionId == null ? null : byId.get(connectionId);
    }

    /** The user's sockets on this instance. */
    public List<SignalingConnection> ofUser(String userId) {
        Set<String> ids = idsByUser.get(userId);
        return ids == null ? List.of() : ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    public int size() {
        return byId.size();
    }
}
