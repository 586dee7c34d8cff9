package io.normalcy.detector.runtime;

import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicDescriptor;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;

/**
 * Creates the topics the detector reads and writes if they are missing (the schemas module's descriptors fix
 * partitions, compaction and retention). Extra input topics get the features topic's settings. Subscription
 * topics are not created here: the subscriptions API owns them.
 */
final class DetectorTopicsProvisioner {
    private DetectorTopicsProvisioner() {
    }

    static TopicAdmin.Report ensure(Properties clientProps, DetectorTopics t, int partitions, short replication) {
        TopicNames names = new TopicNames(t.inputs().get(0), t.scores(), t.alerts(), t.models(), t.retrain(),
                t.subscriptions(), t.dlq(), t.parking(), TopicNames.defaults().trainingStatus());
        Topics topics = new Topics(names, partitions, replication);
        List<TopicDescriptor<?, ?>> wanted = new ArrayList<>(List.of(topics.features(), topics.scores(),
                topics.alerts(), topics.models(), topics.retrain(), topics.subscriptions(), topics.dlq(),
                topics.parking()));
        TopicDescriptor<?, ?> f = topics.features();
        for (String extra : t.inputs().subList(1, t.inputs().size())) {
            wanted.add(new TopicDescriptor<>(extra, f.keySerde(), f.valueSerde(), f.partitions(),
                    f.replicationFactor(), f.configs()));
        }
        try (Admin admin = Admin.create(clientProps)) {
            return TopicAdmin.ensureTopics(admin, wanted);
        }
    }
}
