package io.parley.signaling.call.ws;

import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * One open signaling socket of a user on this instance. Requests from one socket are handled one after
 * another, so an SDP offer is relayed before the ICE candidates sent after it.
 */
public final class SignalingConnection {

    private final String id;
    private final String userId;
    private final String name;
    private final String avatar;
    private final WebSocketConnection socket;
    private Uni<Void> tail = Uni.createFrom().voidItem();

    SignalingConnection(String userId, String name, String avatar, WebSocketConnection socket) {
        this.id = socket.id();
        this.userId = userId;
        this.name = name;
        this.avatar = avatar;
        this.socket = socket;
    }

    public String id() {
        return id;
    }

    public String userId() {
        return userId;
    }

    public String name() {
        return name;
    }

    public String avatar() {
        return avatar;
    }

    /** Closes the socket as a policy violation (1008). */
    public Uni<Void> close() {
        return socket.isOpen() ? socket.close(new io.quarkus.websockets.next.CloseReason(1008, "Identity changed"))
                : Uni.createFrom().voidItem();
    }

    /** Sends a text frame; failures (the socket closed meanwhile) are logged by the caller's subscriber. */
    public Uni<Void> send(String text) {
        return socket.isOpen() ? socket.sendText(text) : Uni.createFrom().voidItem();
    }

    /** Runs {@code work} after everything queued before it on this connection has finished. */
    synchronized Uni<Void> enqueue(Supplier<Uni<Void>> work) {
        Uni<Void> previous = tail;
        Uni<Void> next = previous.onFailure().recoverWithNull().chain(() -> work.get()).memoize().indefinitely();
        tail = next;
        return next;
    }
}
