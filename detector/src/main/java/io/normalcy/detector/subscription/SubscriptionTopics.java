package io.normalcy.detector.subscription;

import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicDescriptor;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;

/**
 * Creates the topics the subscriptions side needs when {@code normalcy.detector.ensure-topics} is on: the
 * compacted subscriptions topic (the API's source of truth, needed before the Streams app may have provisioned it)
 * and each subscription's delivery topic (with the alerts topic's settings; the topology only writes to it).
 */
public final class SubscriptionTopics {
    private final Properties clientProps;
    private final Topics topics;
    private final boolean enabled;

    public SubscriptionTopics(Properties clientProps, DetectorConfiguration config) {
        this.clientProps = clientProps;
        DetectorTopics t = config.detectorTopics();
        TopicNames names = new TopicNames(t.inputs().get(0), t.scores(), t.alerts(), t.models(), t.retrain(),
                t.subscriptions(), t.dlq(), t.parking(), TopicNames.defaults().trainingStatus());
        this.topics = new Topics(names, config.topicPartitions(), (short) config.replicationFactor());
        this.enabled = config.ensureTopics();
    }

    public TopicAdmin.Report ensureSubscriptionsTopic() {
        return ensure(topics.subscriptions());
    }

    public TopicAdmin.Report ensureDeliveryTopic(String name) {
        TopicDescriptor<?, ?> a = topics.alerts();
        return ensure(new TopicDescriptor<>(name, a.keySerde(), a.valueSerde(), a.partitions(), a.replicationFactor(),
                a.configs()));
    }

    private TopicAdmin.Report ensure(TopicDescriptor<?, ?> d) {
        if (!enabled) {
            return new TopicAdmin.Report(List.of(), List.of(), List.of());
        }
        Admin admin = Admin.create(clientProps);
        try {
            return TopicAdmin.ensureTopics(admin, List.of(d));
        } finally {
            admin.close(Duration.ofSeconds(2)); // bounded: a shutdown must not wait for unreachable brokers
        }
    }
}
