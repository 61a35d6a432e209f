package io.parley.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.parley.event.call.CallEvent;
import io.parley.event.call.CallEventType;
import io.parley.event.call.CallState;
import io.parley.event.call.EndReason;
import io.parley.event.call.Party;
import io.parley.event.presence.PresenceChanged;
import io.parley.event.presence.PresenceStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Events survive the JSON trip between services, and read as docs/events.md shows them. */
class EventJsonTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void callEventRoundTripsAndOmitsFieldsThatDoNotApply() throws Exception {
        CallEvent invited = new CallEvent("e-1", CallEventType.INVITED, Instant.parse("2026-11-24T10:00:00Z"), "c-1",
                new Party("u-alice", "Alice Anderson", "/avatars/alice.svg"), new Party("u-bob", "Bob Brown", null),
                true, false, "webrtc", true, CallState.RINGING, null, null, null);
        String text = json.writeValueAsString(invited);
        assertFalse(text.contains("endReason"), text);
        assertTrue(text.contains("\"occurredAt\":\"2026-11-24T10:00:00Z\""), text);
        assertEquals(invited, json.readValue(text, CallEvent.class));
    }

    @Test
    void documentedEndedEventParses() throws Exception {
        String documented = """
                {"eventId":"5d0c...","type":"ENDED","occurredAt":"2026-11-24T10:00:45.002Z","callId":"c-1",
                 "caller":{"id":"u-alice","name":"Alice Anderson"},"callee":{"id":"u-bob","name":"Bob Brown"},
                 "audio":true,"video":true,"provider":"webrtc","state":"ENDED","endReason":"NO_ANSWER","durationMs":0}
                """;
        CallEvent ended = json.readValue(documented, CallEvent.class);
        assertEquals(EndReason.NO_ANSWER, ended.endReason());
        assertTrue(ended.endReason().missedByCallee());
        assertEquals(408, ended.endReason().status());
    }

    @Test
    void presenceRoundTrips() throws Exception {
        PresenceChanged changed = new PresenceChanged("e-2", Instant.parse("2026-11-24T10:00:00Z"), "u-bob",
                PresenceStatus.DND, PresenceStatus.DND);
        assertEquals(changed, json.readValue(json.writeValueAsString(changed), PresenceChanged.class));
        assertFalse(PresenceStatus.DND.rings());
        assertTrue(PresenceStatus.AWAY.rings());
    }
}
