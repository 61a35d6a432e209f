package io.parley.notification.incoming.kafka;

import io.parley.event.call.CallEvent;
import io.parley.notification.incoming.RingingCalls;
import io.parley.protocol.notification.NotificationMessages;
import io.parley.protocol.notification.NotificationMessages.IncomingCall;
import io.parley.protocol.notification.NotificationMessages.IncomingCallClosed;
import io.parley.notification.missedcall.service.MissedCall;
import io.parley.notification.socket.ws.NotificationConnections;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Turns call events into notifications on the callee's pages connected to this instance: the ringing popup,
 * its closing, and the missed call. Every instance reads every event (a consumer group of its own), since a
 * user's pages may be spread over instances.
 */
@ApplicationScoped
public class CallNotifier {

    /** The channel of this instance's own consumer group on {@code parley.call-events}. */
    public static final String CHANNEL = "call-notifications";

    private final NotificationConnections connections;
    private final RingingCalls ringing;

    public CallNotifier(NotificationConnections connections, RingingCalls ringing) {
        this.connections = connections;
        this.ringing = ringing;
    }

    @Incoming(CHANNEL)
    public Uni<Void> onCallEvent(CallEvent event) {
        if (event == null || event.type() == null || event.callee() == null || event.callee().id() == null) {
            // Unreadable records (null) are logged once, by the missed-call recorder; no callee, nobody to notify.
            Log.debugf("call event without a callee skipped: %s", event);
            return Uni.createFrom().voidItem();
        }
        String calleeId = event.callee().id();
        switch (event.type()) {
            case INVITED -> {
                IncomingCall call = IncomingCall.of(event);
                ringing.invited(calleeId, call, event.occurredAt());
                connections.push(calleeId, NotificationMessages.INCOMING_CALL, call);
            }
            case ANSWERED -> {
                ringing.closed(calleeId, event.callId());
                connections.push(calleeId, NotificationMessages.INCOMING_CALL_CLOSED,
                        new IncomingCallClosed(event.callId(), IncomingCallClosed.ANSWERED));
            }
            case ENDED -> {
                ringing.closed(calleeId, event.callId());
                connections.push(calleeId, NotificationMessages.INCOMING_CALL_CLOSED,
                        new IncomingCallClosed(event.callId(), String.valueOf(event.endReason())));
                if (MissedCall.isMissedCall(event)) {
                    // Pushed by every instance from the same event, while one of them stores it: the id is
                    // derived from the event, so the page's "mark read" names the stored row.
                    connections.push(calleeId, NotificationMessages.MISSED_CALL, MissedCall.of(event));
                }
            }
            default -> {
                // ESTABLISHED, HELD, RESUMED change nothing on the callee's other pages.
            }
        }
        return Uni.createFrom().voidItem();
    }
}
