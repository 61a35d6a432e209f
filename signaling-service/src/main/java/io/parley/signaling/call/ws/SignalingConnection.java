package io.parley.signaling.call.ws;

import io.parley.signaling.call.relay.LocalConnection;
import io.parley.signaling.call.session.SessionKey;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One open signaling socket of a user on this instance and the session it holds. Requests from one socket are
 * handled one after another, so an SDP offer is relayed before the ICE candidates sent after it. While a resume
 * replays what the client missed, events for the socket wait, so that the client sees them after the replay.
 */
public final class SignalingConnection implements LocalConnection {

    /** The close code of a socket whose session another socket resumed. */
    public static final short SESSION_TAKEN = 4001;

    private final String id;
    private final String userId;
    private final String name;
    private final String avatar;
    private final WebSocketConnection socket;
    private final ConnectionRegistry registry;
    private volatile SessionKey session;
    private Uni<Void> tail = Uni.createFrom().voidItem();
    /** Non-null while a replay runs: the events that arrived meanwhile. */
    private List<String> held;

    SignalingConnection(String userId, String name, String avatar, WebSocketConnection socket, SessionKey session,
            ConnectionRegistry registry) {
        this.id = socket.id();
        this.userId = userId;
        this.name = name;
        this.avatar = avatar;
        this.socket = socket;
        this.session = session;
        this.registry = registry;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String userId() {
        return userId;
    }

    public String name() {
        return name;
    }

    public String avatar() {
        return avatar;
    }

    public SessionKey session() {
        return session;
    }

    void session(SessionKey session) {
        this.session = session;
    }

    @Override
    public UUID sessionId() {
        return session.id();
    }

    /** Closes the socket as a policy violation (1008). */
    public Uni<Void> close() {
        return socket.isOpen() ? socket.close(new CloseReason(1008, "Identity changed")) : Uni.createFrom().voidItem();
    }

    /** Sends a text frame; failures (the socket closed meanwhile) are logged by the caller's subscriber. */
    public Uni<Void> send(String text) {
        return socket.isOpen() ? socket.sendText(text) : Uni.createFrom().voidItem();
    }

    @Override
    public void deliver(String message) {
        synchronized (this) {
            if (held != null) {
                held.add(message);
                return;
            }
        }
        sendQuietly(message);
    }

    /** Events wait until {@link #release()}. */
    synchronized void hold() {
        if (held == null) {
            held = new ArrayList<>();
        }
    }

    /** Sends the events that waited, then sends as they come. */
    void release() {
        List<String> waiting;
        synchronized (this) {
            waiting = held;
            held = null;
        }
        if (waiting != null) {
            waiting.forEach(this::sendQuietly);
        }
    }

    @Override
    public void sessionTaken() {
        registry.release(this);
        Log.infof("connection %s of %s lost session %s to another connection: closing it", id, userId, session.id());
        if (socket.isOpen()) {
            socket.close(new CloseReason(SESSION_TAKEN, "Session resumed elsewhere")).subscribe().with(ok -> {
            }, failure -> Log.debugf("closing %s: %s", id, failure.getMessage()));
        }
    }

    private void sendQuietly(String message) {
        send(message).subscribe().with(ok -> {
        }, failure -> Log.debugf("could not deliver to %s: %s", id, failure.getMessage()));
    }

    /** Runs {@code work} after everything queued before it on this connection has finished. */
    synchronized Uni<Void> enqueue(Supplier<Uni<Void>> work) {
        Uni<Void> previous = tail;
        Uni<Void> next = previous.onFailure().recoverWithNull().chain(() -> work.get()).memoize().indefinitely();
        tail = next;
        return next;
    }
}
