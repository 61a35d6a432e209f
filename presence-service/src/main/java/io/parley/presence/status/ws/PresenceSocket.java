package io.parley.presence.status.ws;

import io.parley.event.presence.PresenceStatus;
import io.parley.presence.status.service.ManualStatus;
import io.parley.presence.status.service.Presence;
import io.parley.presence.status.service.PresenceTracker;
import io.parley.protocol.ApiException;
import io.parley.protocol.Envelope;
import io.parley.protocol.EnvelopeWriter;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Payload;
import io.parley.protocol.ProtocolException;
import io.parley.protocol.presence.PresenceMessages;
import io.parley.protocol.presence.PresenceMessages.StatusAck;
import io.parley.protocol.presence.PresenceMessages.WatchAck;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code /ws/presence} (docs/protocol.md, "Presence"): every open page of a user holds one; while any
 * is open the user is online. Requests {@code set_status}, {@code idle}, {@code active} and
 * {@code watch} each get exactly one {@code ack} or {@code error}; a bad message only ever gets an
 * {@code error}, it never closes the socket or affects anyone else.
 */
@WebSocket(path = "/ws/presence")
@Authenticated
public class PresenceSocket {

    private static final UserData.TypedKey<String> USER_ID = UserData.TypedKey.forString("parley.userId");

    private final PresenceTracker tracker;
    private final StatusWatchers watchers;
    private final EnvelopeWriter messages;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    public PresenceSocket(PresenceTracker tracker, StatusWatchers watchers, EnvelopeWriter messages,
            SecurityIdentity identity, ObjectMapper json) {
        this.tracker = tracker;
        this.watchers = watchers;
        this.messages = messages;
        this.identity = identity;
        this.json = json;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        String userId = token.getSubject();
        connection.userData().put(USER_ID, userId);
        Presence presence = tracker.connected(userId, connection.id());
        return connection.sendText(messages.event(PresenceMessages.WELCOME, new PresenceMessages.Welcome(connection.id(),
                userId, presence.status(), presence.manualStatus())));
    }

    @OnTextMessage
    public Uni<Void> onMessage(String text, WebSocketConnection connection) {
        String userId = connection.userData().get(USER_ID);
        String reply;
        String requestId = null;
        try {
            Envelope request = Envelope.read(text, json);
            requestId = request.id();
            reply = messages.ack(request.id(), handle(request, userId, connection));
        } catch (ApiException e) {
            String correlationId = EnvelopeWriter.correlationId();
            String id = e instanceof ProtocolException unread ? unread.requestId() : requestId;
            Log.debugf("presence: refused [%s] %s from %s on %s: %s", correlationId, e.code(), userId, connection.id(),
                    e.getMessage());
            reply = messages.error(id, e, correlationId);
        } catch (RuntimeException e) {
            String correlationId = EnvelopeWriter.correlationId();
            Log.errorf(e, "presence: request failed [%s] for %s on %s", correlationId, userId, connection.id());
            reply = messages.internalError(requestId, correlationId);
        }
        return connection.sendText(reply);
    }

    @OnClose
    @NonBlocking
    public void onClose(WebSocketConnection connection) {
        watchers.unwatch(connection);
        String userId = connection.userData().get(USER_ID);
        if (userId != null) {
            tracker.disconnected(userId, connection.id());
        }
    }

    private Object handle(Envelope request, String userId, WebSocketConnection connection) {
        return switch (request.type()) {
            case PresenceMessages.SET_STATUS -> new StatusAck(tracker.choose(userId, manualStatus(request.payload())).status());
            case PresenceMessages.IDLE -> new StatusAck(tracker.activity(userId, connection.id(), true).status());
            case PresenceMessages.ACTIVE -> new StatusAck(tracker.activity(userId, connection.id(), false).status());
            case PresenceMessages.WATCH -> {
                List<String> userIds = PresenceMessages.Watch.read(request.payload()).userIds();
                // Register first, then read: a change in between arrives as an event, never goes missing.
                watchers.watch(connection, userIds);
                yield new WatchAck(tracker.statusesOf(userIds));
            }
            default -> throw new ApiException(ErrorCode.UNKNOWN_TYPE,
                    "unknown type '" + request.type() + "'; expected set_status, idle, active or watch");
        };
    }

    private static PresenceStatus manualStatus(Payload payload) {
        String status = PresenceMessages.SetStatus.read(payload).status();
        try {
            return ManualStatus.parse(status);
        } catch (IllegalArgumentException e) {
            throw Payload.invalid(e.getMessage());
        }
    }
}
