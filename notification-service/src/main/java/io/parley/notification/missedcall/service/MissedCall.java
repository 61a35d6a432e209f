package io.parley.notification.missedcall.service;

import io.parley.event.call.CallEvent;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A call the user did not take, as pages receive it ({@code missed_call}) and the REST API lists it.
 *
 * @param id stable id, derived from the ENDED event's id
 * @param callId the call
 * @param caller who called
 * @param audio whether the caller asked for audio
 * @param video whether the caller asked for video
 * @param reason why the call ended: NO_ANSWER, UNAVAILABLE, CANCELLED or BUSY
 * @param at when the call ended
 * @param read whether the user marked it read
 */
public record MissedCall(UUID id, String callId, Party caller, boolean audio, boolean video, EndReason reason,
        Instant at, boolean read) {

    /** Whether {@code event} makes a missed call for its callee. */
    public static boolean isMissedCall(CallEvent event) {
        return event.endReason() != null && event.endReason().missedByCallee();
    }

    /** The unread missed call an ENDED event makes. */
    public static MissedCall of(CallEvent ended) {
        return new MissedCall(idFor(ended.eventId()), ended.callId(), ended.caller(), ended.audio(), ended.video(),
                ended.endReason(), ended.occurredAt(), false);
    }

    /**
     * The missed call's id for an event id. Derived rather than generated because every instance pushes the
     * missed call to its own sockets while only one stores it: they must all name it the same.
     */
    public static UUID idFor(String eventId) {
        return UUID.nameUUIDFromBytes(("missed-call:" + eventId).getBytes(StandardCharsets.UTF_8));
    }
}
