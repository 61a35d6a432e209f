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
import io.parley.event.settings.ProviderState;
import io.parley.event.settings.SettingsChanged;
import java.time.Instant;
import java.util.List;
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

    @Test
    void settingsChangedRoundTripsWithProvidersOnly() throws Exception {
        SettingsChanged changed = new SettingsChanged("e-3", Instant.parse("2026-11-24T10:00:00Z"), 7,
                List.of(new ProviderState("webrtc", "WebRTC", true), new ProviderState("sip", "SIP", false)), "u-admin");
        String text = json.writeValueAsString(changed);
        assertEquals("{\"eventId\":\"e-3\",\"occurredAt\":\"2026-11-24T10:00:00Z\",\"version\":7,"
                + "\"providers\":[{\"id\":\"webrtc\",\"name\":\"WebRTC\",\"enabled\":true},"
                + "{\"id\":\"sip\",\"name\":\"SIP\",\"enabled\":false}],\"changedBy\":\"u-admin\"}", text);
        assertEquals(changed, json.readValue(text, SettingsChanged.class));
        SettingsChanged beforeAnyChange = new SettingsChanged("e-4", Instant.parse("2026-11-24T10:00:00Z"), 0,
                List.of(new ProviderState("webrtc", "WebRTC", true)), null);
        assertFalse(json.writeValueAsString(beforeAnyChange).contains("changedBy"));
    }

    @Test
    void documentedSettingsChangedParsesAndTellsWhichProvidersAreEnabled() throws Exception {
        String documented = """
                {"eventId":"3f2a...","occurredAt":"2026-11-24T10:05:00.120Z","version":12,
                 "providers":[{"id":"webrtc","name":"WebRTC","enabled":true},
                              {"id":"sip","name":"SIP connector","enabled":false}],
                 "changedBy":"9f8e7d6c-..."}
                """;
        SettingsChanged settings = json.readValue(documented, SettingsChanged.class);
        assertEquals(12, settings.version());
        assertTrue(settings.providerEnabled("webrtc"));
        assertFalse(settings.providerEnabled("sip"));
        assertFalse(settings.providerEnabled("unknown"), "a provider the admin service does not list is not enabled");
    }
}
