package io.parley.presence.status.ws;

import io.parley.common.error.ApiError;
import io.parley.event.presence.PresenceStatus;
import java.util.Map;
import java.util.UUID;

/**
 * An envelope {@code {id, type, payload}} the server sends: a reply ({@code ack}/{@code error}) carrying
 * the request's id, or an event carrying a server id.
 */
public record ServerMessage(String id, String type, Object payload) {

    /** {@code welcome} payload: the new connection and the user's presence. */
    public record Welcome(String connectionId, String userId, PresenceStatus status, PresenceStatus manualStatus) {
    }

    /** {@code status} event payload: a watched user's effective status changed. */
    public record StatusEvent(String userId, PresenceStatus status) {
    }

    /** {@code ack} payload of {@code set_status}, {@code idle} and {@code active}. */
    public record StatusAck(PresenceStatus status) {
    }

    /** {@code ack} payload of {@code watch}. */
    public record WatchAck(Map<String, PresenceStatus> statuses) {
    }

    public static ServerMessage ack(String requestId, Object payload) {
        return new ServerMessage(requestId, "ack", payload);
    }

    public static ServerMessage error(String requestId, ApiError error) {
        return new ServerMessage(requestId, "error", error);
    }

    public static ServerMessage event(String type, Object payload) {
        return new ServerMessage(UUID.randomUUID().toString(), type, payload);
    }
}
