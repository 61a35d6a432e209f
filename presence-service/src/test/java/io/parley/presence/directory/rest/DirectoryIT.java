package io.parley.presence.directory.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.event.Topics;
import io.parley.testsupport.TestUser;
import io.parley.presence.support.TopicReader;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.KeycloakResource;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The directory against a real Keycloak with the demo realm: searches and lookups through its admin
 * API with live status, and every demo user published to {@code parley.users}. Tokens are Keycloak's
 * own, from the password grant of the public client {@code parley-cli}.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(KeycloakResource.class)
class DirectoryIT {

    @TestHTTPResource("/ws/presence")
    URI presence;

    @Test
    void searchFindsAliceWithHerAvatarAndLiveStatus() throws Exception {
        String alice = token("alice");
        String aliceId = given().auth().oauth2(alice).when().get("/api/presence/me").then().statusCode(200)
                .extract().path("userId");
        try (WsTestClient page = WsTestClient.connect(TestUser.ws(presence), alice, "alice")) {
            page.awaitEvent("welcome", p -> true);
            given().auth().oauth2(alice).queryParam("search", "a").when().get("/api/presence/users")
                    .then().statusCode(200)
                    .body("find { it.username == 'alice' }.id", equalTo(aliceId))
                    .body("find { it.username == 'alice' }.displayName", equalTo("Alice Anderson"))
                    .body("find { it.username == 'alice' }.avatar", equalTo("/avatars/alice.svg"))
                    .body("find { it.username == 'alice' }.status", equalTo("AVAILABLE"));
        }
    }

    @Test
    void oneUserIsFoundByIdAndAnUnknownIdIsNotFound() {
        String bob = token("bob");
        String bobId = given().auth().oauth2(bob).when().get("/api/presence/me").then().extract().path("userId");
        given().auth().oauth2(bob).when().get("/api/presence/users/" + bobId)
                .then().statusCode(200).body("username", equalTo("bob")).body("displayName", equalTo("Bob Brown"))
                .body("status", equalTo("OFFLINE"));
        given().auth().oauth2(bob).when().get("/api/presence/users/no-such-user")
                .then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void searchLimitOutOfRangeIsRefused() {
        given().auth().oauth2(token("carol")).queryParam("limit", 0).when().get("/api/presence/users")
                .then().statusCode(400).body("code", equalTo("INVALID_PAYLOAD"));
    }

    @Test
    void everyDemoUserIsPublishedToTheUsersTopic() {
        try (TopicReader topic = new TopicReader(Topics.USERS)) {
            for (String username : List.of("alice", "bob", "carol", "admin")) {
                TopicReader.Entry profile = topic.await(e -> e.value() != null
                        && username.equals(e.value().path("username").asText()), "profile of " + username);
                assertEquals(profile.key(), profile.value().path("userId").asText());
                assertFalse(profile.value().path("eventId").asText().isEmpty());
            }
            JsonNode alice = topic.await(e -> e.value() != null && "alice".equals(e.value().path("username").asText()),
                    "alice").value();
            assertEquals("Alice Anderson", alice.path("displayName").asText());
            assertEquals("/avatars/alice.svg", alice.path("avatar").asText());
        }
    }

    /** An access token from Keycloak for a demo user (demo-only passwords: same as the user name). */
    private static String token(String user) {
        return given().formParam("grant_type", "password").formParam("client_id", "parley-cli")
                .formParam("username", user).formParam("password", user)
                .when().post(SharedInfrastructure.keycloak().url() + "/realms/parley/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
    }
}
