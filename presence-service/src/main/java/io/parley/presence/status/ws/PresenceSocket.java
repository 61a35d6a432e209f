package io.parley.presence.status.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.common.error.ApiError;
import io.parley.event.presence.PresenceStatus;
import io.parley.presence.status.service.ManualStatus;
import io.parley.presence.status.service.Presence;
import io.parley.presence.status.service.PresenceTracker;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
    private final RequestReader reader;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    public PresenceSocket(PresenceTracker tracker, StatusWatchers watchers, RequestReader reader,
            SecurityIdentity identity, ObjectMapper json) {
        this.tracker = tracker;
        this.watchers = watchers;
        this.reader = reader;
        this.identity = identity;
        this.json = json;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        String userId = token.getSubject();
        connection.userData().put(USER_ID, userId);
        Presence presence = tracker.connected(userId, connection.id());
        return send(connection, ServerMessage.event("welcome",
                new ServerMessage.Welcome(connection.id(), userId, presence.status(), presence.manualStatus())));
    }

    @OnTextMessage
    public Uni<Void> onMessage(String text, WebSocketConnection connection) {
        String userId = connection.userData().get(USER_ID);
        ServerMessage reply;
        String requestId = null;
        try {
            SocketRequest request = reader.read(text);
            requestId = request.id();
            reply = ServerMessage.ack(request.id(), handle(request, userId, connection));
        } catch (ProtocolException e) {
            String correlationId = UUID.randomUUID().toString();
            Log.debugf("presence: refused [%s] %s from %s on %s: %s", correlationId, e.code(), userId, connection.id(),
                    e.getMessage());
            reply = ServerMessage.error(e.requestId(), new ApiError(e.code(), e.getMessage(), correlationId));
        } catch (RuntimeException e) {
            String correlationId = UUID.randomUUID().toString();
            Log.errorf(e, "presence: request failed [%s] for %s on %s", correlationId, userId, connection.id());
            reply = ServerMessage.error(requestId, new ApiError(ProtocolException.INTERNAL,
                    "internal error; quote correlation id " + correlationId, correlationId));
        }
        return send(connection, reply);
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

    private Object handle(SocketRequest request, String userId, WebSocketConnection connection) {
        return switch (request.type()) {
            case "set_status" -> new ServerMessage.StatusAck(
                    tracker.choose(userId, manualStatus(request)).status());
            case "idle" -> new ServerMessage.StatusAck(tracker.activity(userId, connection.id(), true).status());
            case "active" -> new ServerMessage.StatusAck(tracker.activity(userId, connection.id(), false).status());
            case "watch" -> {
                List<String> userIds = userIds(request);
                // Register first, then read: a change in between arrives as an event, never goes missing.
                watchers.watch(connection, userIds);
                yield new ServerMessage.WatchAck(tracker.statusesOf(userIds));
            }
            default -> throw request.refuse(ProtocolException.UNKNOWN_TYPE,
                    "unknown type '" + request.type() + "'; expected set_status, idle, active or watch");
        };
    }

    private static PresenceStatus manualStatus(SocketRequest request) {
        JsonNode status = request.payload().get("status");
        if (status == null) {
            throw request.refuse(ProtocolException.INVALID_PAYLOAD, "status is required: AVAILABLE, AWAY, DND or null");
        }
        if (!status.isNull() && !status.isTextual()) {
            throw request.refuse(ProtocolException.BAD_MESSAGE, "status must be a string or null");
        }
        try {
            return ManualStatus.parse(status.isNull() ? null : status.asText());
        } catch (IllegalArgumentException e) {
            throw request.refuse(ProtocolException.INVALID_PAYLOAD, e.getMessage());
        }
    }

    private static List<String> userIds(SocketRequest request) {
        JsonNode ids = request.payload().get("userIds");
        if (ids == null || ids.isNull()) {
            throw request.refuse(ProtocolException.INVALID_PAYLOAD, "userIds is required");
        }
        if (!ids.isArray()) {
            throw request.refuse(ProtocolException.BAD_MESSAGE, "userIds must be a list of strings");
        }
        if (ids.size() > StatusWatchers.MAX_WATCHED) {
            throw request.refuse(ProtocolException.INVALID_PAYLOAD,
                    "userIds: at most " + StatusWatchers.MAX_WATCHED + " ids, got " + ids.size());
        }
        List<String> userIds = new ArrayList<>(ids.size());
        for (JsonNode id : ids) {
            if (!id.isTextual()) {
                throw request.refuse(ProtocolException.BAD_MESSAGE, "userIds must be a list of strings");
            }
            userIds.add(id.asText());
        }
        return userIds;
    }

    private Uni<Void> send(WebSocketConnection connection, ServerMessage message) {
        try {
            return connection.sendText(json.writeValueAsString(message));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }
}
