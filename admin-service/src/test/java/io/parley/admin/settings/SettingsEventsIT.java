package io.parley.admin.settings;

import static io.parley.admin.AdminApi.CLIENT_CONFIG;
import static io.parley.admin.AdminApi.PROVIDERS;
import static io.parley.admin.AdminApi.settings;
import static io.parley.admin.AdminApi.turn;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.admin.AdminApi;
import io.parley.admin.provider.TestSipConnector;
import io.parley.admin.settings.service.StartupAnnouncement;
import io.parley.common.turn.TurnCredentials;
import io.parley.event.Topics;
import io.parley.event.settings.ProviderState;
import io.parley.event.settings.SettingsChanged;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.KafkaTestClient;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** Every change reaches Kafka on the compacted parley.settings topic; the current settings are announced at start. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "admin"))
@WithTestResource(OidcResource.class)
class SettingsEventsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    StartupAnnouncement announcement;

    @Test
    void aProviderChangeIsPublishedWithTheNewVersionAndWhoMadeIt() {
        // A fresh administrator per run: their id picks out this test's records on the shared topic.
        String admin = "ops-" + UUID.randomUUID();
        String token = SharedInfrastructure.oidc().accessToken(admin, TestOidcIssuer.ADMIN_GROUP);
        long providerVersion = AdminApi.providerVersion(TestSipConnector.ID);
        AdminApi.as(token).body(Map.of("enabled", true, "version", providerVersion)).put(PROVIDERS + "/" + TestSipConnector.ID)
                .then().statusCode(200);
        long version = AdminApi.asAlice().get(CLIENT_CONFIG).then().extract().jsonPath().getLong("version");

        SettingsChanged event = KafkaTestClient.await(Topics.SETTINGS, SettingsChanged.class,
                e -> e.version() == version && TestOidcIssuer.subjectOf(admin).equals(e.changedBy()), 1, TIMEOUT).get(0);
        assertTrue(event.providerEnabled(TestSipConnector.ID));
        assertTrue(event.providers().contains(new ProviderState("webrtc", "WebRTC", true))
                || event.providers().contains(new ProviderState("webrtc", "WebRTC", false)));
        assertNotNull(event.eventId());
        assertNotNull(event.occurredAt());

        AdminApi.as(token).body(Map.of("enabled", false, "version", providerVersion + 1))
                .put(PROVIDERS + "/" + TestSipConnector.ID).then().statusCode(200);
        SettingsChanged next = KafkaTestClient.await(Topics.SETTINGS, SettingsChanged.class,
                e -> e.version() == version + 1 && TestOidcIssuer.subjectOf(admin).equals(e.changedBy()), 1, TIMEOUT).get(0);
        assertFalse(next.providerEnabled(TestSipConnector.ID));
    }

    @Test
    void aWebRtcChangeIsPublishedWithoutAnyIceServerOrCredential() {
        String admin = "ops-" + UUID.randomUUID();
        String token = SharedInfrastructure.oidc().accessToken(admin, TestOidcIssuer.ADMIN_GROUP);
        Map<String, Object> body = settings(AdminApi.webrtcVersion(),
                List.of(turn("event-user", "never-on-kafka", "turn:event.example.org")));
        body.put("useParleyTurn", true);
        AdminApi.as(token).body(body).put(AdminApi.WEBRTC).then().statusCode(200);
        long version = AdminApi.asAlice().get(CLIENT_CONFIG).then().extract().jsonPath().getLong("version");

        JsonNode record = KafkaTestClient.await(Topics.SETTINGS, JsonNode.class,
                e -> e.path("version").asLong() == version
                        && TestOidcIssuer.subjectOf(admin).equals(e.path("changedBy").asText()), 1, TIMEOUT).get(0);
        String text = record.toString();
        for (String leak : List.of("never-on-kafka", "event-user", "event.example.org", "iceServers",
                TurnCredentials.DEMO_SHARED_SECRET)) {
            assertFalse(text.contains(leak), leak + " in " + text);
        }
    }

    @Test
    void theCurrentSettingsAreAnnouncedOnceAtStart() {
        await().atMost(TIMEOUT).until(() -> announcement.announcedEventId() != null);
        SettingsChanged announced = KafkaTestClient.await(Topics.SETTINGS, SettingsChanged.class,
                e -> e.eventId().equals(announcement.announcedEventId()), 1, TIMEOUT).get(0);
        assertTrue(announced.providers().stream().anyMatch(p -> p.id().equals("webrtc")));
    }

    @Test
    void theSettingsTopicIsCompacted() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafka().bootstrapServers()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SETTINGS);
            await().atMost(TIMEOUT).ignoreExceptions().until(() -> TopicConfig.CLEANUP_POLICY_COMPACT.equals(
                    admin.describeConfigs(List.of(topic)).all().get().get(topic).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()));
        }
    }
}
