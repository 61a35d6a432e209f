package io.parley.protocol.notification;

import io.parley.event.call.CallEvent;
import io.parley.event.call.Party;
import io.parley.protocol.ProtocolVersion;

/** The events of {@code /ws/notifications} (docs/protocol.md, "Notifications"), one record per type. */
public final class NotificationMessages {

    public static final String PING = "ping";
    public static final String WELCOME = "welcome";
    public static final String INCOMING_CALL = "incoming_call";
    public static final String INCOMING_CALL_CLOSED = "incoming_call_closed";
    public static final String MISSED_CALL = "missed_call";

    private NotificationMessages() {
    }

    /**
     * The first message on a new notification socket.
     *
     * @param unreadMissedCalls the user's unread missed calls, or null when the database could not tell
     */
    public record Welcome(String connectionId, String userId, Long unreadMissedCalls, int protocolVersion) {

        public Welcome(String connectionId, String userId, Long unreadMissedCalls) {
            this(connectionId, userId, unreadMissedCalls, ProtocolVersion.CURRENT);
        }
    }

    /**
     * {@code incoming_call}: a call to this user is ringing; every open page shows its popup. This is the one
     * way a user's pages learn of a ringing call (signaling sends none).
     *
     * @param ring whether the page should ring (false: show the popup silently)
     */
    public record IncomingCall(String callId, Party caller, boolean audio, boolean video, String provider,
            boolean ring) {

        /** The notification an INVITED event makes; an event without the ring flag rings. */
        public static IncomingCall of(CallEvent invited) {
            return new IncomingCall(invited.callId(), invited.caller(), invited.audio(), invited.video(),
                    invited.provider(), !Boolean.FALSE.equals(invited.ring()));
        }
    }

    /**
     * {@code incoming_call_closed}: the call was answered (on any page or device) or ended; pages close its popup.
     *
     * @param reason {@link #ANSWERED}, or the call's EndReason
     */
    public record IncomingCallClosed(String callId, String reason) {

        /** The reason given when the callee answered. */
        public static final String ANSWERED = "ANSWERED";
    }
}
