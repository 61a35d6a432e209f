package io.parley.signaling.call.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.signaling.SignalingConfig;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Gets a server message to a user's signaling sockets wherever they are connected: directly when the
 * socket is on this instance, through the {@code parley.signaling-relay} topic to the other instances
 * otherwise. Nothing depends on which instance a user reached.
 */
@ApplicationScoped
public class Delivery {

    /**
     * A message travelling to another instance: for the socket holding {@code targetSessionId}, or every socket of
     * the user when it is null. {@code takenBy} set: not a message but the news that the socket
     * {@code takenBy} resumed {@code targetSessionId}, which any other socket holding it loses.
     */
    public record RelayEnvelope(String eventId, String originInstance, String targetUserId, String targetSessionId,
            String message, String takenBy) {
    }

    private final LocalConnections connections;
    private final MutinyEmitter<String> relay;
    private final ObjectMapper json;
    private final String instanceId;

    public Delivery(LocalConnections connections, @Channel("relay-out") MutinyEmitter<String> relay, ObjectMapper json,
            SignalingConfig config) {
        this.connections = connections;
        this.relay = relay;
        this.json = json;
        this.instanceId = config.instanceId();
    }

    public void deliver(List<Outgoing> messages) {
        messages.forEach(this::deliver);
    }

    public void deliver(Outgoing out) {
        if (out.sessionId() != null) {
            LocalConnection local = connections.holding(out.sessionId());
            if (local != null) {
                local.deliver(out.body());
            } else {
                publish(new RelayEnvelope(UUID.randomUUID().toString(), instanceId, out.userId(),
                        out.sessionId().toString(), out.body(), null));
            }
            return;
        }
        connections.ofUser(out.userId()).forEach(connection -> connection.deliver(out.body()));
        publish(new RelayEnvelope(UUID.randomUUID().toString(), instanceId, out.userId(), null, out.body(), null));
    }

    /**
     * Tells the other instances that {@code connectionId} now holds the session: a socket there holding it loses it
     * (on this instance, the registry saw to that when the socket took the session).
     */
    public void sessionTaken(String userId, UUID sessionId, String connectionId) {
        publish(new RelayEnvelope(UUID.randomUUID().toString(), instanceId, userId, sessionId.toString(), null,
                connectionId));
    }

    @Incoming("relay-in")
    void onRelay(String text) {
        RelayEnvelope envelope;
        try {
            envelope = json.readValue(text, RelayEnvelope.class);
        } catch (JsonProcessingException e) {
            Log.warnf("ignoring unreadable relay record: %s", e.getOriginalMessage());
            return;
        }
        if (instanceId.equals(envelope.originInstance())) {
            return;
        }
        UUID session = envelope.targetSessionId() == null ? null : UUID.fromString(envelope.targetSessionId());
        if (envelope.takenBy() != null) {
            loseSession(session, envelope.takenBy());
        } else if (session != null) {
            LocalConnection local = connections.holding(session);
            if (local != null) {
                local.deliver(envelope.message());
            }
        } else {
            connections.ofUser(envelope.targetUserId()).forEach(connection -> connection.deliver(envelope.message()));
        }
    }

    private void loseSession(UUID sessionId, String except) {
        LocalConnection holder = connections.holding(sessionId);
        if (holder != null && !holder.id().equals(except)) {
            holder.sessionTaken();
        }
    }

    private void publish(RelayEnvelope envelope) {
        String text;
        try {
            text = json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        relay.sendMessage(Message.of(text).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(envelope.targetUserId()).build()))
                .subscribe().with(ok -> {
                }, failure -> Log.errorf("relay to %s failed: %s", envelope.targetUserId(), failure.getMessage()));
    }
}
