package io.parley.protocol.presence;

import io.parley.event.presence.PresenceStatus;
import io.parley.protocol.Payload;
import io.parley.protocol.ProtocolVersion;
import java.util.List;
import java.util.Map;

/** The requests and events of {@code /ws/presence} (docs/protocol.md, "Presence"), one record per shape. */
public final class PresenceMessages {

    public static final String SET_STATUS = "set_status";
    public static final String IDLE = "idle";
    public static final String ACTIVE = "active";
    public static final String WATCH = "watch";
    public static final String WELCOME = "welcome";
    public static final String STATUS = "status";

    /** Most user ids one {@code watch} may name. */
    public static final int MAX_WATCHED = 500;

    private PresenceMessages() {
    }

    /** {@code set_status}: the manual choice as sent (validated by the service), null to clear it. */
    public record SetStatus(String status) {

        public static SetStatus read(Payload payload) {
            return new SetStatus(payload.textOrNull("status"));
        }
    }

    /** {@code watch}: the users whose status changes this socket receives from now on (replaces the list). */
    public record Watch(List<String> userIds) {

        public static Watch read(Payload payload) {
            return new Watch(payload.textList("userIds", MAX_WATCHED));
        }
    }

    /** {@code welcome}: the new connection and the user's presence. */
    public record Welcome(String connectionId, String userId, PresenceStatus status, PresenceStatus manualStatus,
            int protocolVersion) {

        public Welcome(String connectionId, String userId, PresenceStatus status, PresenceStatus manualStatus) {
            this(connectionId, userId, status, manualStatus, ProtocolVersion.CURRENT);
        }
    }

    /** {@code status} event: a watched user's effective status changed. */
    public record StatusEvent(String userId, PresenceStatus status) {
    }

    /** {@code ack} payload of {@code set_status}, {@code idle} and {@code active}. */
    public record StatusAck(PresenceStatus status) {
    }

    /** {@code ack} payload of {@code watch}. */
    public record WatchAck(Map<String, PresenceStatus> statuses) {
    }
}
