package io.parley.signaling.call.relay;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the relay from other instances: the relay consumer starts at the latest offset, so an
 * instance must not take users before its partitions are assigned, or messages for them could be missed.
 */
@ApplicationScoped
@Identifier("relay-assignment")
@Readiness
public class RelayAssignment implements KafkaConsumerRebalanceListener, HealthCheck {

    private volatile int assigned;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned = consumer.assignment().size();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned = Math.max(0, consumer.assignment().size() - partitions.size());
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("signaling relay").status(assigned > 0).withData("partitions", assigned).build();
    }
}
