package io.parley.notification.incoming.ws;

import io.parley.event.call.CallEvent;
import io.parley.event.call.Party;

/**
 * {@code incoming_call}: a call to this user is ringing; every open page shows its popup.
 *
 * @param callId the call
 * @param caller who calls
 * @param audio whether the caller asked for audio
 * @param video whether the caller asked for video
 * @param ring whether the page should ring (false: show the popup silently)
 */
public record IncomingCall(String callId, Party caller, boolean audio, boolean video, boolean ring) {

    public static final String TYPE = "incoming_call";

    /** The notification an INVITED event makes; an event without the ring flag rings. */
    public static IncomingCall of(CallEvent invited) {
        return new IncomingCall(invited.callId(), invited.caller(), invited.audio(), invited.video(),
                !Boolean.FALSE.equals(invited.ring()));
    }
}
