package io.parley.kafka.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates a topic as its {@link TopicSpec} says, or brings an existing one's cleanup policy and retention
 * in line: a broker that auto-creates topics on first write or first read gives them time-based retention,
 * and the latest value of a quiet key would eventually be deleted. The partition count of an existing topic
 * is never changed (records of a key would land on another partition than its older ones); a difference is
 * logged. Safe to repeat and to race with other instances.
 */
public final class TopicCreator {

    private static final Logger LOG = Logger.getLogger(TopicCreator.class);

    private TopicCreator() {
    }

    public static void ensure(Admin admin, TopicSpec spec, short replicationFactor, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        NewTopic topic = new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(spec.configs());
        try {
            admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("kafka: created topic %s (%d partitions, replication %d, %s)", spec.name(), spec.partitions(),
                    replicationFactor, spec.configs());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            align(admin, spec, timeout);
        }
    }

    private static void align(Admin admin, TopicSpec spec, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, spec.name());
        Config current = admin.describeConfigs(List.of(resource)).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
        List<AlterConfigOp> changes = new ArrayList<>();
        spec.configs().forEach((key, wanted) -> {
            ConfigEntry entry = current.get(key);
            String actual = entry == null ? null : entry.value();
            if (!wanted.equals(actual)) {
                LOG.warnf("kafka: topic %s exists with %s=%s (created by someone else?); setting it to %s",
                        spec.name(), key, actual, wanted);
                changes.add(new AlterConfigOp(new ConfigEntry(key, wanted), AlterConfigOp.OpType.SET));
            }
        });
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(Map.of(resource, changes)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        TopicDescription description = admin.describeTopics(List.of(spec.name())).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(spec.name());
        if (description.partitions().size() != spec.partitions()) {
            LOG.warnf("kafka: topic %s has %d partitions where Parley creates it with %d; left as it is",
                    spec.name(), description.partitions().size(), spec.partitions());
        }
    }
}
