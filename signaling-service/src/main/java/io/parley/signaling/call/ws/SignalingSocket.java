package io.parley.signaling.call.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.parley.common.error.ApiException;
import io.parley.common.identity.Caller;
import io.parley.signaling.call.service.CallService;
import io.parley.signaling.call.service.CallService.Outcome;
import io.parley.signaling.call.service.Requester;
import io.quarkus.logging.Log;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.quarkus.websockets.next.WebSocketSecurity;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code /ws/signaling}: the call socket of docs/protocol.md. The OIDC token is checked on the upgrade,
 * and Quarkus closes the socket (1008, "Authentication expired") when it expires, unless the client
 * hands over a fresh token of the same user first ({@code refresh_token}): a call bound to the socket
 * must not end because a token did. Each request gets exactly one reply, then the parties get their events.
 */
@WebSocket(path = "/ws/signaling")
@Authenticated
public class SignalingSocket {

    public static final int PROTOCOL_VERSION = 1;
    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    /** Welcome payload. */
    record Welcome(String connectionId, String userId, int protocolVersion) {
    }

    private final ConnectionRegistry connections;
    private final CallService calls;
    private final ServerMessages messages;
    private final ObjectMapper json;
    private final SecurityIdentity identity;
    private final WebSocketSecurity security;

    public SignalingSocket(ConnectionRegistry connections, CallService calls, ServerMessages messages, ObjectMapper json,
            SecurityIdentity identity, WebSocketSecurity security, MeterRegistry metrics) {
        this.security = security;
        this.connections = connections;
        this.calls = calls;
        this.messages = messages;
        this.json = json;
        this.identity = identity;
        Gauge.builder("parley_signaling_connections", connections, ConnectionRegistry::size)
                .description("open signaling sockets on this instance").register(metrics);
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection socket) {
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        Caller caller = Caller.of(token);
        SignalingConnection connection = connections.add(caller.userId(), caller.name(), caller.avatar(), socket);
        return connection.send(messages.event("welcome", new Welcome(socket.id(), caller.userId(), PROTOCOL_VERSION)));
    }

    @OnTextMessage
    public Uni<Void> onMessage(WebSocketConnection socket, String text) {
        SignalingConnection connection = connections.get(socket.id());
        if (connection == null) {
            return Uni.createFrom().voidItem();
        }
        RefreshRequest refresh = refreshRequest(text);
        if (refresh != null) {
            // The identity of this connection can only be replaced from within its own callback.
            CompletionStage<SecurityIdentity> updated = null;
            if (refresh.token() != null) {
                try {
                    updated = security.updateSecurityIdentity(refresh.token());
                } catch (RuntimeException e) {
                    updated = java.util.concurrent.CompletableFuture.failedFuture(e);
                }
            }
            CompletionStage<SecurityIdentity> update = updated;
            return connection.enqueue(() -> refreshed(connection, refresh, update));
        }
        return connection.enqueue(() -> handle(connection, text));
    }

    private record RefreshRequest(String id, String token) {
    }

    /** A well-formed {@code refresh_token} request, or null for any other message (handled as usual). */
    private RefreshRequest refreshRequest(String text) {
        if (!text.contains("refresh_token") || text.length() > MAX_MESSAGE_BYTES) {
            return null;
        }
        try {
            JsonNode envelope = json.readTree(text);
            if (envelope == null || !"refresh_token".equals(envelope.path("type").asText(null))
                    || !envelope.path("payload").isObject()) {
                return null;
            }
            JsonNode token = envelope.get("payload").get("accessToken");
            return new RefreshRequest(envelope.path("id").isTextual() ? envelope.get("id").asText() : null,
                    token != null && token.isTextual() && !token.asText().isBlank() ? token.asText() : null);
        } catch (Exception e) {
            return null;
        }
    }

    private Uni<Void> refreshed(SignalingConnection connection, RefreshRequest request,
            CompletionStage<SecurityIdentity> updated) {
        if (updated == null) {
            return connection.send(messages.error(request.id(), "INVALID_PAYLOAD",
                    "payload.accessToken: a non-empty string is required", UUID.randomUUID().toString()));
        }
        // Requests of a socket are handled in order: a validation that never answers must not stall it.
        return Uni.createFrom().completionStage(updated)
                .ifNoItem().after(java.time.Duration.ofSeconds(10)).fail()
                .chain(fresh -> {
                    JsonWebToken token = (JsonWebToken) fresh.getPrincipal();
                    if (!Caller.of(token).userId().equals(connection.userId())) {
                        // Never expected (Quarkus keeps the principal), but a socket must not change hands.
                        Log.warnf("connection %s of %s was given a token of %s: closing it", connection.id(),
                                connection.userId(), Caller.of(token).userId());
                        return connection.close();
                    }
                    Log.debugf("connection %s of %s refreshed its token (expires %d)", connection.id(),
                            connection.userId(), token.getExpirationTime());
                    return connection.send(messages.ack(request.id(), Map.of("expiresAt",
                            java.time.Instant.ofEpochSecond(token.getExpirationTime()).toString())));
                })
                .onFailure().recoverWithUni(failure -> {
                    String correlationId = UUID.randomUUID().toString();
                    Log.infof("[%s] token refresh of connection %s (%s) refused: %s", correlationId, connection.id(),
                            connection.userId(), failure.getMessage());
                    return connection.send(messages.error(request.id(), "UNAUTHENTICATED",
                            "the token is not valid, or not the connection's user's; the socket keeps its current "
                                    + "token and closes when that expires", correlationId));
                });
    }

    @OnClose
    public Uni<Void> onClose(WebSocketConnection socket) {
        SignalingConnection connection = connections.remove(socket.id());
        if (connection == null) {
            return Uni.createFrom().voidItem();
        }
        return calls.connectionClosed(connection.userId(), connection.id())
                .onFailure().invoke(e -> Log.errorf(e, "ending the calls of closed connection %s failed", socket.id()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> handle(SignalingConnection connection, String text) {
        if (text.length() > MAX_MESSAGE_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            return connection.send(messages.error(null, "MESSAGE_TOO_LARGE",
                    "messages are limited to " + MAX_MESSAGE_BYTES + " bytes", UUID.randomUUID().toString()));
        }
        JsonNode envelope;
        try {
            envelope = json.readTree(text);
        } catch (Exception e) {
            return connection.send(messages.error(null, "BAD_MESSAGE", "not a JSON object", UUID.randomUUID().toString()));
        }
        String id = envelope != null && envelope.path("id").isTextual() ? envelope.get("id").asText() : null;
        if (envelope == null || !envelope.isObject() || !envelope.path("type").isTextual()
                || !envelope.path("payload").isObject()) {
            return connection.send(messages.error(id, "BAD_MESSAGE",
                    "a message is {\"id\", \"type\", \"payload\": {...}}", UUID.randomUUID().toString()));
        }
        String type = envelope.get("type").asText();
        JsonNode payload = envelope.get("payload");
        Requester who = new Requester(connection.userId(), connection.name(), connection.avatar(), connection.id());
        return Uni.createFrom().deferred(() -> dispatch(type, payload, who))
                .chain(outcome -> connection.send(messages.ack(id, outcome.reply())).invoke(outcome.afterReply()))
                .onFailure().recoverWithUni(failure -> connection.send(error(id, type, connection, failure)));
    }

    /** What to send back, and what to do once it was sent. */
    private record Reply(Object reply, Runnable afterReply) {
    }

    private Uni<Reply> dispatch(String type, JsonNode payload, Requester who) {
        return switch (type) {
            case "call" -> calls.call(who, Requests.text(payload, "calleeId"), Requests.bool(payload, "audio", true),
                    Requests.bool(payload, "video", true), Requests.optionalText(payload, "provider", "webrtc"))
                    .map(SignalingSocket::callReply);
            case "answer" -> calls.answer(who, Requests.text(payload, "callId")).map(SignalingSocket::callReply);
            case "decline" -> calls.decline(who, Requests.text(payload, "callId")).map(SignalingSocket::callReply);
            case "cancel" -> calls.cancel(who, Requests.text(payload, "callId")).map(SignalingSocket::callReply);
            case "hangup" -> calls.hangup(who, Requests.text(payload, "callId")).map(SignalingSocket::callReply);
            case "sdp" -> calls.sdp(who, Requests.text(payload, "callId"), Requests.sdpType(payload),
                    Requests.text(payload, "sdp")).map(SignalingSocket::callIdReply);
            case "ice" -> calls.ice(who, Requests.text(payload, "callId"), Requests.text(payload, "candidate"),
                    Requests.optionalText(payload, "sdpMid", null), Requests.optionalInt(payload, "sdpMLineIndex"))
                    .map(SignalingSocket::callIdReply);
            case "end_of_candidates" -> calls.endOfCandidates(who, Requests.text(payload, "callId"))
                    .map(SignalingSocket::callIdReply);
            case "list_calls" -> calls.openCalls(who.userId()).map(list -> new Reply(Map.of("calls", list), () -> {
            }));
            default -> Uni.createFrom().failure(new ApiException(400, "UNKNOWN_TYPE",
                    "unknown message type '" + type + "'"));
        };
    }

    private static Reply callReply(Outcome outcome) {
        return new Reply(Map.of("callId", outcome.call().callId(), "state", outcome.call().state()), outcome.afterReply());
    }

    private static Reply callIdReply(Outcome outcome) {
        return new Reply(Map.of("callId", outcome.call().callId()), outcome.afterReply());
    }

    private String error(String id, String type, SignalingConnection connection, Throwable failure) {
        String correlationId = UUID.randomUUID().toString();
        if (failure instanceof ApiException refused) {
            Log.debugf("[%s] %s from %s refused: %s %s", correlationId, type, connection.userId(), refused.code(),
                    refused.getMessage());
            return messages.error(id, refused.code(), refused.getMessage(), correlationId);
        }
        Log.errorf(failure, "[%s] %s from %s failed", correlationId, type, connection.userId());
        return messages.error(id, "INTERNAL", "internal error; quote correlation id " + correlationId, correlationId);
    }
}
