package io.normalcy.trainer.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.schemas.topics.Topics;
import io.normalcy.trainer.config.HistoryConfig;
import io.normalcy.trainer.config.Isolation;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.config.RegistryConfig;
import io.normalcy.trainer.config.TrainerConfig;
import io.normalcy.trainer.history.TopicHistorySource;
import io.normalcy.trainer.job.InProcessRunner;
import io.normalcy.trainer.job.ProcessRunner;
import io.normalcy.trainer.job.TrainingRunner;
import io.normalcy.trainer.publish.ModelCatalog;
import io.normalcy.trainer.publish.ModelPublisher;
import io.normalcy.trainer.publish.RecordSigner;
import io.normalcy.trainer.queue.TrainingQueue;
import io.normalcy.trainer.status.StatusReporter;
import jakarta.inject.Singleton;
import io.normalcy.schemas.kafka.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Wires the trainer's plain-Java parts into Micronaut beans. */
@Factory
public class TrainerFactory {

    @Singleton
    KafkaSettings kafkaSettings(io.micronaut.context.env.Environment env, TrainerConfig config) {
        // every kafka.* key (security.protocol, sasl.*, ssl.*, ...) reaches every client of the trainer. HYPHENATED,
        // not RAW: RAW leaves out environment variables (KAFKA_SECURITY_PROTOCOL); the kebab-case variants it adds
        // are dropped by KafkaClientSettings.
        Map<String, Object> kafka = new java.util.HashMap<>(
                env.getProperties("kafka", io.micronaut.core.naming.conventions.StringConvention.HYPHENATED));
        kafka.putIfAbsent("bootstrap.servers", "localhost:9092");
        return KafkaSettings.fromKafkaTree(kafka, "normalcy-trainer-" + config.instanceId());
    }

    @Singleton
    Topics topics() {
        return Topics.defaults();
    }

    @Singleton
    ArtifactStore artifactStore(TrainerConfig config) {
        return new ArtifactStore(Path.of(config.artifactDir()));
    }

    @Singleton
    TrainerMetrics trainerMetrics(MeterRegistry registry) {
        return new TrainerMetrics(registry);
    }

    /**
     * Raw bytes (decoded per record: junk cannot fail a read), read to the log end so that a read inside the
     * publisher's fenced section also waits for transactions that were open when it started.
     */
    @Singleton
    ModelCatalog modelCatalog(KafkaSettings kafka, Topics topics, TrainerConfig config) {
        return new ModelCatalog(() -> new KafkaConsumer<>(kafka.consumer("models-reader"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()), partitions -> {
                    try (Admin admin = Admin.create(kafka.admin())) {
                        return TopicReader.writtenEnd(admin).of(partitions);
                    }
                }, topics.names().models(), config.readTimeout());
    }

    @Singleton
    RecordSigner recordSigner(TrainerConfig config) {
        return Signing.signer(config);
    }

    /** One transactional producer per publish, {@code transactional.id} per model (see {@link ModelPublisher}). */
    @Singleton
    @Bean(preDestroy = "close")
    ModelPublisher modelPublisher(KafkaSettings kafka, Topics topics, TrainerConfig config, ModelCatalog catalog,
                                  RecordSigner signer) {
        return new ModelPublisher(transactionalId -> {
            Map<String, Object> p = kafka.producer("models");
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODEL_MAX_MESSAGE_BYTES);
            return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }, catalog, topics.names().models(), signer, config.keepVersions(), java.time.Clock.systemUTC());
    }

    @Singleton
    @Bean(preDestroy = "close")
    StatusReporter statusReporter(KafkaSettings kafka, Topics topics, TrainerConfig config) {
        return new StatusReporter(new KafkaProducer<String, TrainingStatus>(kafka.producer("status"),
                new StringSerializer(), NormalcySerdes.trainingStatus().serializer()), topics.names().trainingStatus(),
                config.instanceId());
    }

    @Singleton
    TrainingRunner trainingRunner(TrainerConfig config) {
        return config.isolation() == Isolation.PROCESS
                ? new ProcessRunner(config.childJvmOptions(), config.trainingTimeout())
                : new InProcessRunner();
    }

    /**
     * The schema registry client, only when {@code normalcy.trainer.registry.url} is set; created at start-up so that a
     * bad {@code normalcy.trainer.registry.*} value stops the trainer naming the key, and so does a registry that
     * refuses this client (TLS trust, client certificate, credentials: {@link SchemaRegistryClient#checkAccess()}).
     */
    @io.micronaut.context.annotation.Context
    @io.micronaut.context.annotation.Requires(property = RegistryConfig.PREFIX + ".url")
    SchemaRegistryClient schemaRegistryClient(RegistryConfig config) {
        SchemaRegistryClient client = new SchemaRegistryClient(config.settings());
        client.checkAccess();
        return client;
    }

    @Singleton
    TrainingService trainingService(ModelRegistry registry, KafkaSettings kafka, Topics topics, TrainerConfig config,
                                    TrainingRunner runner, ModelCatalog catalog, ModelPublisher publisher,
                                    StatusReporter status, ArtifactStore artifacts, TrainerMetrics metrics,
                                    RecordSigner signer, @io.micronaut.core.annotation.Nullable SchemaRegistryClient schemas,
                                    io.normalcy.trainer.config.TrainerMappings mappings, HistoryConfig history) {
        TopicHistorySource source = new TopicHistorySource(kafka.consumer("history"), topics.names().features(),
                config.readTimeout(), schemas, mappings.byTopic(), history.limit());
        return new TrainingService(registry, source::read, runner, catalog, publisher, status, artifacts, metrics,
                signer.key(), trainerVersion());
    }

    @Singleton
    @Bean(preDestroy = "shutdownNow")
    @jakarta.inject.Named("training")
    ExecutorService trainingExecutor(TrainerConfig config) {
        return Executors.newFixedThreadPool(config.maxConcurrentTrainings(), r -> {
            Thread t = new Thread(r, "training");
            t.setDaemon(true);
            return t;
        });
    }

    @Singleton
    RetrainIntake retrainIntake(@jakarta.inject.Named("training") ExecutorService executor, TrainingService service,
                                StatusReporter status, TrainerConfig config) {
        return new RetrainIntake(new TrainingQueue(executor, service::run, config.recentRequestIds()), status);
    }

    static String trainerVersion() {
        String v = TrainerFactory.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    static Duration timeout(TrainerConfig config) {
        return config.readTimeout();
    }
}
