package io.normalcy.trainer.service;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.normalcy.avro.TrainingState;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.Topics;
import io.normalcy.trainer.config.TrainerConfig;
import io.normalcy.trainer.publish.ModelCatalog;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.status.Recovery;
import io.normalcy.trainer.status.StatusReporter;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Start-up: create missing topics, read the models topic (versions), read the training-status tail (ids already
 * accepted, and the requests this instance left unfinished: {@link Recovery} resumes or closes them), then start
 * the retrain listener. Setting {@code normalcy.trainer.retrain-listener=false} turns off only the listener (REST
 * still works). Shutdown: stop the listener, interrupt the trainings and put their requests back to QUEUED, so
 * the next start resumes them.
 */
@Singleton
@Requires(notEnv = "cli")
public class TrainerLifecycle implements ApplicationEventListener<StartupEvent> {
    /** Consumer group of the retrain listener (one partition: one instance consumes at a time). */
    public static final String RETRAIN_GROUP = "normalcy-trainer";
    /** Session timeout of the retrain listener unless {@code kafka.session.timeout.ms} is set. */
    static final int RETRAIN_SESSION_TIMEOUT_MS = 10_000;
    /** How long a shutdown waits for interrupted trainings to report (a child JVM notices at its next epoch). */
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(TrainerLifecycle.class);

    private final KafkaSettings kafka;
    private final Topics topics;
    private final TrainerConfig config;
    private final ModelCatalog catalog;
    private final RetrainIntake intake;
    private final StatusReporter status;
    private final TrainingService service;
    private RetrainListener listener;
    private boolean stopped;

    public TrainerLifecycle(KafkaSettings kafka, Topics topics, TrainerConfig config, ModelCatalog catalog,
                            RetrainIntake intake, StatusReporter status, TrainingService service) {
        this.kafka = kafka;
        this.topics = topics;
        this.config = config;
        this.catalog = catalog;
        this.intake = intake;
        this.status = status;
        this.service = service;
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
        recover();
        if (config.retrainListener()) {
            Map<String, Object> props = retrainConsumer(kafka, config.instanceId());
            listener = new RetrainListener(() -> new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer()),
                    NormalcySerdes.retrainRequest().deserializer(), intake, topics.names().retrain());
            listener.start();
            LOG.info("listening for retrain requests on {}", topics.names().retrain());
        }
    }

    /** Remembers every request id in the status tail, then resumes or closes this instance's unfinished ones. */
    private void recover() {
        Map<String, Recovery.Entry> latest;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer("status-reader"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            latest = StatusHistory.latest(c, NormalcySerdes.trainingStatus().deserializer(),
                    topics.names().trainingStatus(), config.recentRequestIds(), config.readTimeout());
        }
        Recovery.Plan plan = Recovery.plan(latest.values(), config.instanceId());
        List<String> resumed = plan.resume().stream().map(TrainingRequest::requestId).toList();
        Set<String> resumedIds = Set.copyOf(resumed);
        latest.keySet().stream().filter(id -> !resumedIds.contains(id)).forEach(intake.queue()::markSeen);
        LOG.info("{} request ids remembered from {}", latest.size(), topics.names().trainingStatus());
        for (Recovery.Abandon a : plan.abandon()) {
            status.report(List.of(a.requestId()), a.model(), TrainingState.FAILED, StatusReporter.Progress.NONE, null,
                    a.message());
        }
        plan.resume().forEach(intake::resume);
        status.flush();
        if (!plan.resume().isEmpty() || !plan.abandon().isEmpty()) {
            LOG.warn("trainer {} restarted with unfinished requests: resumed {}, failed {}", config.instanceId(),
                    resumed, plan.abandon().stream().map(Recovery.Abandon::requestId).toList());
        }
        plan.otherOwners().forEach((owner, ids) -> LOG.info("unfinished requests of trainer instance {} (left to it): {}",
                owner, ids));
    }

    /**
     * Settings of the retrain consumer: group {@value #RETRAIN_GROUP} with static membership
     * ({@code group.instance.id = normalcy-trainer-<instance-id>}), so a restarted trainer takes its partition back
     * at once instead of after the dead member's session timeout; a 10 s session timeout (unless
     * {@code kafka.session.timeout.ms} is set), so the partition of an instance that does not come back moves
     * within seconds.
     */
    static Map<String, Object> retrainConsumer(KafkaSettings kafka, String instanceId) {
        Map<String, Object> props = kafka.consumer("retrain");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, RETRAIN_GROUP);
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, RETRAIN_GROUP + "-" + instanceId);
        if (!props.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
            props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, RETRAIN_SESSION_TIMEOUT_MS);
            props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, RETRAIN_SESSION_TIMEOUT_MS / 4);
        }
        return props;
    }

    public boolean listenerAlive() {
        return listener == null || listener.isAlive();
    }

    /** Why the retrain listener stopped for good (see {@link io.normalcy.schemas.kafka.ConsumerLoop}); null if it did not. */
    public Throwable listenerFailure() {
        return listener == null ? null : listener.loop().failure();
    }

    /**
     * Runs on the context's ShutdownEvent, before any bean is destroyed (the status producer still works): no new
     * requests, running trainings interrupted and reported QUEUED.
     */
    @EventListener
    void onShutdown(ShutdownEvent event) {
        stop();
    }

    @jakarta.annotation.PreDestroy
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (listener != null) {
            listener.close();
        }
        service.stop();
        try {
            if (!intake.queue().shutdown(SHUTDOWN_WAIT)) {
                LOG.warn("trainings still running after {}: their requests stay RUNNING and resume on restart",
                        SHUTDOWN_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the statuses reported meanwhile are sent when the status producer closes, after this
    }
}
