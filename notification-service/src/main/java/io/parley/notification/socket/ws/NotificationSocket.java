package io.parley.notification.socket.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.common.error.ApiError;
import io.parley.notification.missedcall.service.MissedCallService;
import io.quarkus.logging.Log;
import io.quarkus.security.Authenticated;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code /ws/notifications}: the socket every page of the web client holds. Greets the page with its unread
 * missed-call count, answers {@code ping}, and refuses malformed input without closing; the notifications
 * themselves are pushed through {@link NotificationConnections}.
 */
@WebSocket(path = "/ws/notifications")
@Authenticated
public class NotificationSocket {

    /** Close code for a message or frame over the protocol's 1 MiB limit. */
    static final CloseReason MESSAGE_TOO_BIG = new CloseReason(1009, "message too big");

    private static final TypedKey<String> USER_ID = TypedKey.forString("parley.userId");

    private final NotificationConnections connections;
    private final MissedCallService missedCalls;
    private final JsonWebToken token;
    private final ObjectMapper json;

    public NotificationSocket(NotificationConnections connections, MissedCallService missedCalls, JsonWebToken token,
            ObjectMapper json) {
        this.connections = connections;
        this.missedCalls = missedCalls;
        this.token = token;
        this.json = json;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        String userId = token.getSubject();
        connection.userData().put(USER_ID, userId);
        Uni<Envelope> welcome = missedCalls.unreadCount(userId)
                .onFailure().recoverWithItem(failure -> {
                    // Without the database the page still gets its calls; only the badge is unknown.
                    Log.warnf(failure, "unread missed calls of %s unavailable for the welcome", userId);
                    return null;
                })
                .map(unread -> Envelope.event(Welcome.TYPE, new Welcome(connection.id(), userId, unread)));
        return connections.add(userId, connection, welcome);
    }

    @OnTextMessage
    @NonBlocking
    public String onText(WebSocketConnection connection, String text) {
        ClientRequest request = ClientRequest.read(text, json);
        if (request instanceof ClientRequest.Refused refused) {
            return error(connection, refused.id(), refused.code(), refused.message());
        }
        ClientRequest.Valid valid = (ClientRequest.Valid) request;
        if (!"ping".equals(valid.type())) {
            return error(connection, valid.id(), "UNKNOWN_TYPE", "the notification socket accepts only ping");
        }
        return connections.write(new Envelope(valid.id(), "ack", Map.of()));
    }

    @OnBinaryMessage
    @NonBlocking
    public String onBinary(WebSocketConnection connection, Buffer data) {
        return error(connection, null, "BAD_MESSAGE", "messages are JSON text frames");
    }

    /**
     * Vert.x refuses a message that grows past the configured maximum by failing the connection with an
     * IllegalStateException; the protocol promises close code 1009 for that, not the 1011 of a server fault.
     */
    @OnError
    public Uni<Void> onIllegalState(WebSocketConnection connection, IllegalStateException failure) {
        if (String.valueOf(failure.getMessage()).contains("max message size")) {
            Log.debugf("closing connection %s: %s", connection.id(), failure.getMessage());
            return connection.close(MESSAGE_TOO_BIG);
        }
        String correlationId = UUID.randomUUID().toString();
        Log.errorf(failure, "notification socket %s failed [%s]", connection.id(), correlationId);
        return connection.close(new CloseReason(1011, "internal error " + correlationId));
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        String userId = connection.userData().get(USER_ID);
        if (userId != null) {
            connections.remove(userId, connection);
        }
    }

    private String error(WebSocketConnection connection, String id, String code, String message) {
        String correlationId = UUID.randomUUID().toString();
        Log.debugf("refused [%s] %s on connection %s: %s", correlationId, code, connection.id(), message);
        return connections.write(new Envelope(id, "error", new ApiError(code, message, correlationId)));
    }
}
