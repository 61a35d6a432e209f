package io.parley.presence.status.kafka;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.event.Topics;
import io.parley.presence.status.health.PresenceRestoredCheck;
import io.parley.testsupport.TestUser;
import io.parley.presence.support.TopicReader;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * After a restart the service takes back what {@code parley.presence} says (seeded before it starts by
 * {@link SeededPresenceTopic}): manual choices come back, and nobody it last saw online stays online
 * without a page.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(OidcResource.class)
@WithTestResource(SeededPresenceTopic.class)
class PresenceRestoreIT {

    @TestHTTPResource("/ws/presence")
    URI presence;

    @BeforeEach
    void restored() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == '" + PresenceRestoredCheck.NAME + "' }.status", equalTo("UP")));
    }

    @Test
    void ownedTopicsAreCompactedEvenWhenTheyExistedWithoutCompaction() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.kafka().bootstrapServers()))) {
            for (String topic : List.of(Topics.PRESENCE, Topics.USERS)) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
                assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT,
                        config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(), topic);
            }
        }
    }

    @Test
    void manualDndFromBeforeTheRestartIsBackWhenTheUserReconnects() throws Exception {
        String dora = SeededPresenceTopic.DND_USER;
        try (WsTestClient page = WsTestClient.connect(TestUser.ws(presence),
                SharedInfrastructure.oidc().accessToken(dora), dora)) {
            JsonNode welcome = page.awaitEvent("welcome", p -> true).path("payload");
            assertEquals("DND", welcome.path("status").asText());
            assertEquals("DND", welcome.path("manualStatus").asText());
            assertEquals("DND", page.ok("active", Map.of()).path("status").asText());
        }
    }

    @Test
    void manualChoiceOfAnOfflineUserIsRestored() {
        given().auth().oauth2(SharedInfrastructure.oidc().accessToken(SeededPresenceTopic.OFFLINE_AWAY_USER))
                .when().get("/api/presence/me/status")
                .then().statusCode(200).body("status", equalTo("OFFLINE")).body("manualStatus", equalTo("AWAY"));
    }

    @Test
    void aUserLastSeenOnlineWithoutPagesGoesOfflineAfterTheGrace() {
        String erin = TestOidcIssuer.subjectOf(SeededPresenceTopic.ONLINE_USER);
        try (TopicReader topic = new TopicReader(Topics.PRESENCE)) {
            JsonNode offline = topic.await(erin, v -> "OFFLINE".equals(v.path("status").asText()),
                    "OFFLINE for " + SeededPresenceTopic.ONLINE_USER);
            assertEquals(erin, offline.path("userId").asText());
        }
        given().auth().oauth2(SharedInfrastructure.oidc().accessToken(SeededPresenceTopic.ONLINE_USER))
                .when().get("/api/presence/me/status")
                .then().statusCode(200).body("status", equalTo("OFFLINE")).body("manualStatus", nullValue());
    }
}
