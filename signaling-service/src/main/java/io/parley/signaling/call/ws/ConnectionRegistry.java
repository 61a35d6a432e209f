package io.parley.signaling.call.ws;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.signaling.call.relay.LocalConnections;
import io.parley.signaling.call.session.SessionKey;
import io.quarkus.runtime.Startup;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signaling sockets open on this instance, by connection id, by user and by the session each holds, counted
 * by {@code parley.signaling.connections}. Created at start rather than on first use, so that its gauge is
 * exported from the start.
 */
@Startup
@ApplicationScoped
public class ConnectionRegistry implements LocalConnections {

    private final Map<String, SignalingConnection> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> idsByUser = new ConcurrentHashMap<>();
    private final Map<UUID, SignalingConnection> bySession = new ConcurrentHashMap<>();

    public ConnectionRegistry(MeterRegistry metrics) {
        Gauge.builder("parley.signaling.connections", byId, Map::size)
                .description("open signaling sockets on this instance").register(metrics);
    }

    SignalingConnection add(String userId, String name, String avatar, WebSocketConnection socket, SessionKey session) {
        SignalingConnection connection = new SignalingConnection(userId, name, avatar, socket, session, this);
        byId.put(connection.id(), connection);
        idsByUser.computeIfAbsent(userId, u -> ConcurrentHashMap.newKeySet()).add(connection.id());
        bySession.put(session.id(), connection);
        return connection;
    }

    SignalingConnection remove(String connectionId) {
        SignalingConnection connection = byId.remove(connectionId);
        if (connection != null) {
            idsByUser.computeIfPresent(connection.userId(), (u, ids) -> {
                ids.remove(connectionId);
                return ids.isEmpty() ? null : ids;
            });
            bySession.remove(connection.sessionId(), connection);
        }
        return connection;
    }

    /**
     * {@code connection} now holds {@code session} instead of its own: a socket on this instance that held it
     * loses it (the other instances hear of it through the relay).
     */
    void hold(SignalingConnection connection, SessionKey session) {
        UUID previous = connection.sessionId();
        connection.session(session);
        bySession.remove(previous, connection);
        SignalingConnection before = bySession.put(session.id(), connection);
        if (before != null && before != connection) {
            before.sessionTaken();
        }
    }

    /** Forgets which session a socket held (it lost it to another socket). */
    void release(SignalingConnection connection) {
        bySession.remove(connection.sessionId(), connection);
    }

    public SignalingConnection get(String connectionId) {
        return connectionId == null ? null : byId.get(connectionId);
    }

    /** Every socket on this instance. */
    public List<SignalingConnection> all() {
        return List.copyOf(byId.values());
    }

    /** The user's sockets on this instance. */
    @Override
    public List<SignalingConnection> ofUser(String userId) {
        Set<String> ids = idsByUser.get(userId);
        return ids == null ? List.of() : ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public SignalingConnection holding(UUID sessionId) {
        return bySession.get(sessionId);
    }
}
