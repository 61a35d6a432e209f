package io.parley.signaling;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.event.Topics;
import io.parley.event.presence.PresenceStatus;
import io.parley.event.settings.ProviderState;
import io.parley.event.settings.SettingsChanged;
import io.parley.signaling.provider.ProviderSettings;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.KafkaTestClient;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** An administrator's provider switch (parley.settings from admin-service) applies to the next call, no restart. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "signaling"))
@WithTestResource(OidcResource.class)
class ProviderSettingsIT extends SignalingTestBase {

    private static final AtomicLong VERSION = new AtomicLong(System.currentTimeMillis());

    @Inject
    ProviderSettings providers;

    private void publish(boolean webrtcEnabled) {
        KafkaTestClient.send(Topics.SETTINGS, SettingsChanged.KEY, new SettingsChanged(UUID.randomUUID().toString(),
                Instant.now(), VERSION.incrementAndGet(), List.of(new ProviderState("webrtc", "WebRTC", webrtcEnabled)),
                "admin"));
        await().atMost(Duration.ofSeconds(15)).until(() -> providers.enabled("webrtc") == webrtcEnabled);
    }

    @Test
    void disabledProviderRefusesCallsUntilReEnabled() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        try {
            publish(false);
            assertEquals("PROVIDER_DISABLED", a.request("call", Map.of("calleeId", id(bob))).at("/payload/code").asText());
        } finally {
            publish(true);
        }
        assertEquals("RINGING", a.ok("call", Map.of("calleeId", id(bob))).get("state").asText());
    }
}
