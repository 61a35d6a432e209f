package io.parley.signaling;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.event.presence.PresenceStatus;
import io.parley.signaling.directory.DirectoryView;
import io.parley.testsupport.DirectoryFixture;
import io.parley.testsupport.SharedInfrastructure;
import io.parley.testsupport.TestOidcIssuer;
import io.parley.testsupport.TestUser;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** Shared helpers for signaling tests: fresh users per test, known to the directory, and socket clients. */
abstract class SignalingTestBase {

    @TestHTTPResource("/ws/signaling")
    URI signalingUri;

    @Inject
    DirectoryView directory;

    private final List<WsTestClient> clients = new ArrayList<>();

    /** A user no other test uses, with the given presence, once signaling has seen both. */
    String user(String name, PresenceStatus status) {
        String username = TestUser.uniqueName(name);
        String id = DirectoryFixture.user(username);
        DirectoryFixture.presence(username, status);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> directory.user(id).isPresent() && directory.status(id) == status);
        return username;
    }

    static String id(String username) {
        return TestOidcIssuer.subjectOf(username);
    }

    static String token(String username) {
        return SharedInfrastructure.oidc().accessToken(username);
    }

    /** A signaling socket of {@code username}, closed after the test; waits for its welcome. */
    WsTestClient connect(String username) throws Exception {
        WsTestClient client = WsTestClient.connect(signalingUri, token(username), username);
        clients.add(client);
        client.awaitEvent("welcome", p -> true);
        return client;
    }

    /** The {@code welcome} payload the client got: its connection, its session and the session's resume token. */
    static JsonNode welcome(WsTestClient client) {
        return client.awaitEvent("welcome", p -> true).path("payload");
    }

    /** A {@code resume} payload for the session {@code welcome} opened, having seen {@code lastSeq} of each call. */
    static Map<String, Object> resumeOf(JsonNode welcome, Map<String, Long> lastSeq) {
        return Map.of("sessionId", welcome.path("sessionId").asText(), "resumeToken",
                welcome.path("resumeToken").asText(), "lastSeq", lastSeq);
    }

    /** The highest seq of the call's events the client received. */
    static long lastSeq(WsTestClient client, String callId) {
        return client.received().stream().filter(m -> callId.equals(m.at("/payload/callId").asText()))
                .mapToLong(m -> m.at("/payload/seq").asLong()).max().orElse(0);
    }

    @AfterEach
    void closeClients() {
        clients.forEach(WsTestClient::close);
        clients.clear();
    }
}
