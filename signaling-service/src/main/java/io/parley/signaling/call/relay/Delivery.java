package io.parley.signaling.call.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.signaling.SignalingConfig;
import io.parley.signaling.call.ws.ConnectionRegistry;
import io.parley.signaling.call.ws.SignalingConnection;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
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

    /** A message travelling to another instance. */
    public record RelayEnvelope(String eventId, String originInstance, String targetUserId, String targetConnectionId,
            String exceptConnectionId, String message) {
    }

    private final ConnectionRegistry connections;
    private final MutinyEmitter<String> relay;
    private final ObjectMapper json;
    private final String instanceId;

    public Delivery(ConnectionRegistry connections, @Channel("relay-out") MutinyEmitter<String> relay, ObjectMapper json,
            SignalingConfig config) {
        this.connections = connections;
        this.relay = relay;
        this.json = json;
        this.instanceId = config.instanceId();
    }

    /** To one socket of {@code userId}, on whichever instance holds it. */
    public void toConnection(String userId, String connectionId, String message) {
        if (connectionId == null) {
            return;
        }
        SignalingConnection local = connections.get(connectionId);
        if (local != null) {
            send(local, message);
        } else {
            publish(new RelayEnvelope(UUID.randomUUID().toString(), instanceId, userId, connectionId, null, message));
        }
    }

    /** To every socket of {@code userId} on every instance, except {@code exceptConnectionId} (may be null). */
    public void toUser(String userId, String message, String exceptConnectionId) {
        deliverLocally(userId, null, exceptConnectionId, message);
        publish(new RelayEnvelope(UUID.randomUUID().toString(), instanceId, userId, null, exceptConnectionId, message));
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
        deliverLocally(envelope.targetUserId(), envelope.targetConnectionId(), envelope.exceptConnectionId(),
                envelope.message());
    }

    private void deliverLocally(String userId, String onlyConnectionId, String exceptConnectionId, String message) {
        for (SignalingConnection connection : connections.ofUser(userId)) {
            if ((onlyConnectionId == null || onlyConnectionId.equals(connection.id()))
                    && !connection.id().equals(exceptConnectionId)) {
                send(connection, message);
            }
        }
    }

    private void send(SignalingConnection connection, String message) {
        connection.send(message).subscribe().with(ok -> {
        }, failure -> Log.debugf("could not deliver to %s: %s", connection.id(), failure.getMessage()));
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
