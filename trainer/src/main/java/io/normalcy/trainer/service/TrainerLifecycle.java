package io.normalcy.trainer.service;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.Topics;
import io.normalcy.trainer.config.TrainerConfig;
import io.normalcy.trainer.publish.ModelCatalog;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;

/**
 * Start-up: create missing topics, read the models topic (versions), remember request ids that already
 * finished (training-status tail), then start the retrain listener. Setting
 * {@code normalcy.trainer.retrain-listener=false} turns off only the listener (REST still works).
 */
@Singleton
@Requires(notEnv = "cli")
public class TrainerLifecycle implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerLifecycle.class);

    private final KafkaSettings kafka;
    private final Topics topics;
    private final TrainerConfig config;
    private final ModelCatalog catalog;
    private final RetrainIntake intake;
    private RetrainListener listener;

    public TrainerLifecycle(KafkaSettings kafka, Topics topics, TrainerConfig config, ModelCatalog catalog,
                            RetrainIntake intake) {
        this.kafka = kafka;
        this.topics = topics;
        this.config = config;
        this.catalog = catalog;
        this.intake = intake;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        try (Admin admin = Admin.create(kafka.admin())) {
            TopicAdmin.Report r = TopicAdmin.ensureTopics(admin, topics.all());
            LOG.info("topics: created {}, existing {}{}", r.created(), r.existing(),
                    r.mismatches().isEmpty() ? "" : ", MISMATCHES " + r.mismatches());
        }
        catalog.refresh();
        LOG.info("models on {}: {}", topics.names().models(), catalog.names());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer("status-reader"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            Set<String> done = StatusHistory.terminalIds(c, NormalcySerdes.trainingStatus().deserializer(),
                    topics.names().trainingStatus(), config.getRecentRequestIds(), config.getReadTimeout());
            done.forEach(intake.queue()::markSeen);
            LOG.info("{} finished request ids remembered from {}", done.size(), topics.names().trainingStatus());
        }
        if (config.isRetrainListener()) {
            Map<String, Object> props = kafka.consumer("retrain");
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "normalcy-trainer");
            listener = new RetrainListener(new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer()),
                    NormalcySerdes.retrainRequest().deserializer(), intake, topics.names().retrain());
            listener.start();
            LOG.info("listening for retrain requests on {}", topics.names().retrain());
        }
    }

    public boolean listenerAlive() {
        return listener == null || listener.isAlive();
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }
}
