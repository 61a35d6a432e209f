package io.parley.event.call;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A call lifecycle event on {@link io.parley.event.Topics#CALL_EVENTS}, keyed by call id. One flat record
 * for every type so consumers read one shape; fields that do not apply to a type are null.
 *
 * @param eventId unique per event: consumers use it to ignore redeliveries
 * @param type what happened
 * @param occurredAt when signaling committed the transition
 * @param callId the call
 * @param caller who called
 * @param callee who was called
 * @param audio whether the caller asked for audio
 * @param video whether the caller asked for video
 * @param provider the call provider (e.g. {@code webrtc})
 * @param ring INVITED only: whether the callee's pages should ring
 * @param state the call's state after this event
 * @param endReason ENDED only: why
 * @param endedBy ENDED only: user id of the party who ended it, or null when the system did (timeouts)
 * @param durationMs ENDED only: milliseconds from answer to end, 0 when never answered
 * @param by HELD and RESUMED: user id of the party who holds; DTMF: of the party who sent the digits
 * @param digits DTMF only: the digits sent ({@code 0-9 * # A-D})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallEvent(
        String eventId,
        CallEventType type,
        Instant occurredAt,
        String callId,
        Party caller,
        Party callee,
        boolean audio,
        boolean video,
        String provider,
        Boolean ring,
        CallState state,
        EndReason endReason,
        String endedBy,
        Long durationMs,
        String by,
        String digits) {

    /** An event without {@code by} and {@code digits} (every type but HELD, RESUMED and DTMF). */
    public CallEvent(String eventId, CallEventType type, Instant occurredAt, String callId, Party caller, Party callee,
            boolean audio, boolean video, String provider, Boolean ring, CallState state, EndReason endReason,
            String endedBy, Long durationMs) {
        this(eventId, type, occurredAt, callId, caller, callee, audio, video, provider, ring, state, endReason, endedBy,
                durationMs, null, null);
    }
}
