package io.parley.signaling.call.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.common.identity.Caller;
import io.parley.protocol.ApiException;
import io.parley.protocol.Envelope;
import io.parley.protocol.EnvelopeWriter;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.Payload;
import io.parley.protocol.ProtocolException;
import io.parley.protocol.signaling.SignalingEvents;
import io.parley.protocol.signaling.SignalingRequests;
import io.parley.protocol.signaling.SignalingRequests.CallId;
import io.parley.signaling.SignalingConfig;
import io.parley.signaling.call.relay.Delivery;
import io.parley.signaling.call.service.CallService;
import io.parley.signaling.call.service.SessionService;
import io.parley.signaling.call.session.SessionKey;
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
import java.util.Map;
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

    private final ConnectionRegistry connections;
    private final CallService calls;
    private final SessionService sessions;
    private final Delivery delivery;
    private final SignalingConfig config;
    private final Drain drain;
    private final EnvelopeWriter messages;
    private final ObjectMapper json;
    private final SecurityIdentity identity;
    private final WebSocketSecurity security;

    public SignalingSocket(ConnectionRegistry connections, CallService calls, SessionService sessions, Delivery delivery,
            SignalingConfig config, Drain drain, EnvelopeWriter messages, ObjectMapper json, SecurityIdentity identity,
            WebSocketSecurity security) {
        this.sessions = sessions;
        this.delivery = delivery;
        this.config = config;
        this.drain = drain;
        this.security = security;
        this.connections = connections;
        this.calls = calls;
        this.messages = messages;
        this.json = json;
        this.identity = identity;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection socket) {
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        Caller caller = Caller.of(token);
        if (drain.draining()) {
            // Readiness is DOWN already; a client that still reached this instance is sent to another one.
            return socket.close(new io.quarkus.websockets.next.CloseReason(Drain.SERVICE_RESTART, "Instance draining"));
        }
        SessionKey session = SessionKey.fresh();
        SignalingConnection connection = connections.add(caller.userId(), caller.name(), caller.avatar(), socket, session);
        return connection.send(messages.event(SignalingEvents.WELCOME, new SignalingEvents.Welcome(socket.id(),
                caller.userId(), session.id().toString(), session.token(), config.resumeGrace().toSeconds())));
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

    /**
     * A well-formed {@code refresh_token} request (its token null when the payload lacks one), or null for any
     * other message, which is handled as usual.
     */
    private RefreshRequest refreshRequest(String text) {
        if (!text.contains(SignalingRequests.Type.REFRESH_TOKEN.wire())) {
            return null;
        }
        try {
            Envelope envelope = Envelope.read(text, json);
            if (SignalingRequests.Type.of(envelope.type()).orElse(null) != SignalingRequests.Type.REFRESH_TOKEN) {
                return null;
            }
            String token;
            try {
                token = SignalingRequests.RefreshToken.read(envelope.payload()).accessToken();
            } catch (ApiException missing) {
                token = null;
            }
            return new RefreshRequest(envelope.id(), token);
        } catch (ApiException notAnEnvelope) {
            return null;
        }
    }

    private Uni<Void> refreshed(SignalingConnection connection, RefreshRequest request,
            CompletionStage<SecurityIdentity> updated) {
        if (updated == null) {
            return connection.send(messages.error(request.id(), new ApiException(ErrorCode.INVALID_PAYLOAD,
                    "payload.accessToken: a non-empty string is required"), EnvelopeWriter.correlationId()));
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
                    String correlationId = EnvelopeWriter.correlationId();
                    Log.infof("[%s] token refresh of connection %s (%s) refused: %s", correlationId, connection.id(),
                            connection.userId(), failure.getMessage());
                    return connection.send(messages.error(request.id(), new ApiException(ErrorCode.UNAUTHENTICATED,
                            "the token is not valid, or not the connection's user's; the socket keeps its current "
                                    + "token and closes when that expires"), correlationId));
                });
    }

    @OnClose
    public Uni<Void> onClose(WebSocketConnection socket) {
        SignalingConnection connection = connections.remove(socket.id());
        if (connection == null) {
            return Uni.createFrom().voidItem();
        }
        // Not the end of its calls: they wait for the session to be resumed (docs/protocol.md, "Sessions and resume").
        return sessions.socketClosed(connection.userId(), connection.sessionId(), connection.id())
                .onFailure().invoke(e -> Log.errorf(e, "detaching the session of closed connection %s failed", socket.id()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> handle(SignalingConnection connection, String text) {
        Envelope request;
        try {
            request = Envelope.read(text, json);
        } catch (ProtocolException refused) {
            return connection.send(error(refused.requestId(), "a message", connection, refused));
        }
        String id = request.id();
        Requester who = new Requester(connection.userId(), connection.name(), connection.avatar(), connection.session(),
                connection.id());
        if (SignalingRequests.Type.RESUME.wire().equals(request.type())) {
            return Uni.createFrom().deferred(() -> resume(connection, who, id, SignalingRequests.Resume.read(request.payload())))
                    .onFailure().recoverWithUni(failure -> connection.send(error(id, request.type(), connection, failure)));
        }
        return Uni.createFrom().deferred(() -> dispatch(request.type(), request.payload(), who))
                .chain(outcome -> connection.send(messages.ack(id, outcome.reply())).invoke(outcome.afterReply()))
                .onFailure().recoverWithUni(failure -> connection.send(error(id, request.type(), connection, failure)));
    }

    /**
     * Takes the earlier session, then acks with its calls and replays what the client missed; events for the socket
     * that arrive meanwhile wait until the replay was sent.
     */
    private Uni<Void> resume(SignalingConnection connection, Requester who, String id, SignalingRequests.Resume request) {
        return sessions.resume(who, request).chain(resumed -> {
            connection.hold();
            connections.hold(connection, resumed.session());
            delivery.sessionTaken(connection.userId(), resumed.session().id(), connection.id());
            return connection.send(messages.ack(id, Map.of("sessionId", resumed.session().id().toString(),
                            "calls", resumed.calls())))
                    .chain(() -> sessions.missed(connection.userId(), resumed))
                    .chain(missed -> {
                        Uni<Void> sent = Uni.createFrom().voidItem();
                        for (String message : missed) {
                            sent = sent.chain(() -> connection.send(message));
                        }
                        return sent;
                    })
                    .eventually(connection::release)
                    .invoke(() -> sessions.announce(resumed));
        });
    }

    /** What to send back, and what to do once it was sent. */
    private record Reply(Object reply, Runnable afterReply) {
    }

    private Uni<Reply> dispatch(String type, Payload payload, Requester who) {
        SignalingRequests.Type known = SignalingRequests.Type.of(type).orElseThrow(() -> new ApiException(
                ErrorCode.UNKNOWN_TYPE, "unknown message type '" + type + "'"));
        return switch (known) {
            case CALL -> {
                SignalingRequests.Call call = SignalingRequests.Call.read(payload);
                yield calls.call(who, call.calleeId(), call.audio(), call.video(), call.provider())
                        .map(SignalingSocket::callReply);
            }
            case ANSWER -> calls.answer(who, CallId.read(payload).callId()).map(SignalingSocket::callReply);
            case DECLINE -> calls.decline(who, CallId.read(payload).callId()).map(SignalingSocket::callReply);
            case CANCEL -> calls.cancel(who, CallId.read(payload).callId()).map(SignalingSocket::callReply);
            case HANGUP -> calls.hangup(who, CallId.read(payload).callId()).map(SignalingSocket::callReply);
            case SDP -> {
                SignalingRequests.Sdp sdp = SignalingRequests.Sdp.read(payload);
                yield calls.sdp(who, sdp.callId(), sdp.sdpType(), sdp.sdp()).map(after -> callIdReply(sdp.callId(), after));
            }
            case ICE -> {
                SignalingRequests.Ice ice = SignalingRequests.Ice.read(payload);
                yield calls.ice(who, ice.callId(), ice.candidate(), ice.sdpMid(), ice.sdpMLineIndex())
                        .map(after -> callIdReply(ice.callId(), after));
            }
            case END_OF_CANDIDATES -> {
                String callId = CallId.read(payload).callId();
                yield calls.endOfCandidates(who, callId).map(after -> callIdReply(callId, after));
            }
            case MEDIA -> {
                SignalingRequests.Media media = SignalingRequests.Media.read(payload);
                yield calls.media(who, media.callId(), media.state()).map(outcome -> new Reply(Map.of("callId",
                        outcome.call().callId(), "state", outcome.call().state()), outcome.afterReply()));
            }
            // Handled before dispatch (its replay follows the reply); reaching here is a bug.
            case RESUME -> throw new IllegalStateException("resume reached dispatch");
            case LIST_CALLS -> calls.openCalls(who.userId()).map(list -> new Reply(Map.of("calls", list), () -> {
            }));
            case HOLD -> calls.hold(who, CallId.read(payload).callId()).map(SignalingSocket::callReply);
            case UNHOLD -> calls.unhold(who, CallId.read(payload).callId()).map(SignalingSocket::callReply);
            case DTMF -> calls.dtmf(who, SignalingRequests.Dtmf.read(payload)).map(SignalingSocket::callReply);
            // Handled before dispatch (it must run in the socket's own callback); reaching here is a bug.
            case REFRESH_TOKEN -> throw new IllegalStateException("refresh_token reached dispatch");
        };
    }

    private static Reply callReply(Outcome outcome) {
        return new Reply(Map.of("callId", outcome.call().callId(), "state", outcome.call().state()), outcome.afterReply());
    }

    private static Reply callIdReply(String callId, Runnable afterReply) {
        return new Reply(Map.of("callId", callId), afterReply);
    }

    private String error(String id, String type, SignalingConnection connection, Throwable failure) {
        String correlationId = EnvelopeWriter.correlationId();
        if (failure instanceof ApiException refused) {
            Log.debugf("[%s] %s from %s refused: %s %s", correlationId, type, connection.userId(), refused.code(),
                    refused.getMessage());
            return messages.error(id, refused, correlationId);
        }
        Log.errorf(failure, "[%s] %s from %s failed", correlationId, type, connection.userId());
        return messages.internalError(id, correlationId);
    }
}
