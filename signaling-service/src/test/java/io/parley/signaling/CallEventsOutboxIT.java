package io.parley.signaling;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.parley.event.Topics;
import io.parley.event.call.CallEvent;
import io.parley.event.call.CallEventType;
import io.parley.event.presence.PresenceStatus;
import io.parley.testsupport.PrometheusMetrics;
import io.parley.testsupport.KafkaResource;
import io.parley.testsupport.KafkaTestClient;
import io.parley.testsupport.OidcResource;
import io.parley.testsupport.PostgresResource;
import io.parley.testsupport.WsTestClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Call events go through the shared outbox module: in order per call, rows deleted once Kafka has them, metrics. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(value = PostgresResource.class, initArgs = @ResourceArg(name = "database", value = "signaling"))
@WithTestResource(OidcResource.class)
class CallEventsOutboxIT extends SignalingTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    DataSource database;

    @Test
    void aCallsEventsLeaveTheOutboxInOrderAndTheBacklogMetricReturnsToZero() throws Exception {
        String alice = user("alice", PresenceStatus.AVAILABLE);
        String bob = user("bob", PresenceStatus.AVAILABLE);
        WsTestClient a = connect(alice);
        WsTestClient b = connect(bob);
        double publishedBefore = published();

        String callId = a.ok("call", Map.of("calleeId", id(bob), "audio", true, "video", false)).get("callId").asText();
        b.ok("decline", Map.of("callId", callId));
        a.awaitCallEvent("disconnect", callId);

        List<CallEvent> events = KafkaTestClient.await(Topics.CALL_EVENTS, CallEvent.class,
                e -> callId.equals(e.callId()), 2, TIMEOUT);
        assertEquals(List.of(CallEventType.INVITED, CallEventType.ENDED), events.stream().map(CallEvent::type).toList());
        await().atMost(TIMEOUT).until(() -> rowsOf(callId) == 0);
        await().atMost(TIMEOUT).until(() -> PrometheusMetrics.value("parley_outbox_backlog") == 0);
        await().atMost(TIMEOUT).until(() -> published() >= publishedBefore + 2);
    }

    private long rowsOf(String callId) throws Exception {
        try (Connection connection = database.getConnection();
                PreparedStatement query = connection.prepareStatement("select count(*) from outbox where record_key = ?")) {
            query.setString(1, callId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static double published() {
        return PrometheusMetrics.value("parley_outbox_published_total");
    }
}
