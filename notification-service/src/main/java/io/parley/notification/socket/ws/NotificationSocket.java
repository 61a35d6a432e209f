package io.parley.notification.socket.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.notification.missedcall.service.MissedCallService;
import io.parley.protocol.ApiException;
import io.parley.protocol.Envelope;
import io.parley.notification.incoming.RingingCalls;
import io.parley.protocol.EnvelopeWriter;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ProtocolException;
import io.parley.protocol.notification.NotificationMessages;
import io.parley.protocol.notification.NotificationMessages.Welcome;
import io.quarkus.logging.Log;
import io.quarkus.security.Authenticated;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code /ws/notifications}: the socket every page of the web client holds. Greets the page with its unread
 * missed-call count, answers {@code ping}, and refuses malformed input without closing; the notifications
 * themselves are pushed through {@link NotificationConnections}.
 */
@WebSocket(path = "/ws/notifications")
@Authenticated
public class NotificationSocket {

    private static final TypedKey<String> USER_ID = TypedKey.forString("parley.userId");

    private final NotificationConnections connections;
    private final MissedCallService missedCalls;
    private final JsonWebToken token;
    private final ObjectMapper json;
    private final EnvelopeWriter messages;
    private final RingingCalls ringing;

    public NotificationSocket(NotificationConnections connections, MissedCallService missedCalls, RingingCalls ringing,
            JsonWebToken token, ObjectMapper json, EnvelopeWriter messages) {
        this.ringing = ringing;
        this.connections = connections;
        this.missedCalls = missedCalls;
        this.token = token;
        this.json = json;
        this.messages = messages;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        String userId = token.getSubject();
        connection.userData().put(USER_ID, userId);
        Uni<String> welcome = missedCalls.unreadCount(userId)
                .onFailure().recoverWithItem(failure -> {
                    // Without the database the page still gets its calls; only the badge is unknown.
                    Log.warnf(failure, "unread missed calls of %s unavailable for the welcome", userId);
                    return null;
                })
                .map(unread -> messages.event(NotificationMessages.WELCOME, new Welcome(connection.id(), userId, unread)));
        // A page that (re)connects while a call rings for its user shows the popup too (the page ignores a callId
        // it shows already): a reconnect during the ring loses no incoming call.
        return connections.add(userId, connection, welcome).invoke(() -> ringing.of(userId, java.time.Instant.now())
                .forEach(call -> connections.pushTo(connection, userId, NotificationMessages.INCOMING_CALL, call)));
    }

    @OnTextMessage
    @NonBlocking
    public String onText(WebSocketConnection connection, String text) {
        Envelope request;
        try {
            request = Envelope.read(text, json);
        } catch (ProtocolException refused) {
            return error(connection, refused.requestId(), refused);
        }
        if (!NotificationMessages.PING.equals(request.type())) {
            return error(connection, request.id(), new ApiException(ErrorCode.UNKNOWN_TYPE,
                    "the notification socket accepts only ping"));
        }
        return messages.ack(request.id(), Map.of());
    }

    @OnBinaryMessage
    @NonBlocking
    public String onBinary(WebSocketConnection connection, Buffer data) {
        return error(connection, null, new ApiException(ErrorCode.BAD_MESSAGE, "messages are JSON text frames"));
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        String userId = connection.userData().get(USER_ID);
        if (userId != null) {
            connections.remove(userId, connection);
        }
    }

    private String error(WebSocketConnection connection, String id, ApiException refusal) {
        String correlationId = EnvelopeWriter.correlationId();
        Log.debugf("refused [%s] %s on connection %s: %s", correlationId, refusal.code(), connection.id(),
                refusal.getMessage());
        return messages.error(id, refusal, correlationId);
    }
}
