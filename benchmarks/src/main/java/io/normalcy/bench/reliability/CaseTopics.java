package io.normalcy.bench.reliability;

import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * One case's own topics ({@code chaos.<case>.features}, ...), created with the project's topic descriptors (the
 * partitions, compaction and size settings a deployment's provisioning creates), so cases never see each other's
 * records.
 */
record CaseTopics(String prefix, TopicNames names) {
    static CaseTopics of(String caseName) {
        String prefix = "chaos." + caseName + ".";
        return new CaseTopics(prefix, TopicNames.withPrefix(prefix));
    }

    String features() {
        return names.features();
    }

    String scores() {
        return names.scores();
    }

    String alerts() {
        return names.alerts();
    }

    String models() {
        return names.models();
    }

    String subscriptions() {
        return names.subscriptions();
    }

    String dlq() {
        return names.dlq();
    }

    String parking() {
        return names.parking();
    }

    void create(Admin admin, int partitions) {
        TopicAdmin.ensureTopics(admin, new Topics(names, partitions, (short) 1).all());
    }

    /** The detector's topic settings for these names. */
    Map<String, String> detectorConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("normalcy.detector.topics.inputs", names.features());
        c.put("normalcy.detector.topics.scores", names.scores());
        c.put("normalcy.detector.topics.alerts", names.alerts());
        c.put("normalcy.detector.topics.models", names.models());
        c.put("normalcy.detector.topics.retrain", names.retrain());
        c.put("normalcy.detector.topics.subscriptions", names.subscriptions());
        c.put("normalcy.detector.topics.dlq", names.dlq());
        c.put("normalcy.detector.topics.parking", names.parking());
        return c;
    }
}
