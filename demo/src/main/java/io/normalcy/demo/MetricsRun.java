package io.normalcy.demo;

import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code bin/demo --scenario metrics}: raw JSON host metrics on a plain topic, scored through a mapping by two models
 * trained from the same history — one on the raw values, one with derived per-host features — and compared against
 * the injected spikes and level shifts. The same records go to two topics because a topic has one mapping (one
 * model); everything else (broker, services, HTTP, topics) is as in the payments demo.
 */
final class MetricsRun {
    private static final long DAY = 86_400_000L;
    private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    /** Hosts that shift to another kind's level in the scored stream. */
    static final int SHIFTS = 6;

    private final DemoOptions options;
    private final Console console;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    MetricsRun(DemoOptions options, Console console) {
        this.options = options;
        this.console = console;
    }

    MetricsSummary run() throws Exception {
        try {
            return execute();
        } finally {
            console.line("stopping the services%s", options.bootstrapServers() == null ? " and the broker" : "");
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (Exception e) {
                    System.err.println("demo: clean-up failed: " + e);
                }
            }
        }
    }

    private MetricsSummary execute() throws Exception {
        String runId = Long.toString(System.currentTimeMillis(), 36);
        String servers = cluster();
        DemoKafka kafka = new DemoKafka(servers);
        resources.push(kafka);
        kafka.ensureTopics();
        createMetricsTopics(kafka);
        DetectorClient detector = startServices(servers);
        String requestPrefix = "demo-" + runId + "-metrics-";
        OutputWatcher watcher = new OutputWatcher(kafka, "demo-" + runId, requestPrefix, this::onStatus);
        resources.push(watcher);
        watcher.start();

        int hosts = MetricsGenerator.hostCount();
        int historyRounds = Math.max(MetricsGenerator.WINDOW + 1, options.history() / hosts);
        int streamRounds = Math.max(MetricsGenerator.WARM_UP + MetricsGenerator.SHIFT_LABELLED,
                options.records() / hosts);
        long total = (historyRounds + streamRounds) * MetricsGenerator.STEP_MILLIS;
        long start = Math.floorDiv(System.currentTimeMillis() - total, MetricsGenerator.STEP_MILLIS)
                * MetricsGenerator.STEP_MILLIS; // the stream ends now: inside any topic retention
        MetricsGenerator generator = new MetricsGenerator(options.seed(), start, "demo-" + runId);
        List<MetricsGenerator.Event> history = generator.history(historyRounds);
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            produce(producer, history);
            console.line("produced %,d history records (%d hosts x %d reports, %.1f simulated days) to %s and %s",
                    history.size(), hosts, historyRounds, historyRounds * MetricsGenerator.STEP_MILLIS / (double) DAY,
                    ServiceConfig.METRICS_TOPIC, ServiceConfig.METRICS_RAW_TOPIC);
            for (String model : List.of(ServiceConfig.RAW_MODEL, ServiceConfig.DERIVED_MODEL)) {
                kafka.requestRetrain(model, requestPrefix + model, "demo: metrics scenario", (long) history.size(),
                        null, Map.of());
            }
            for (String model : List.of(ServiceConfig.RAW_MODEL, ServiceConfig.DERIVED_MODEL)) {
                awaitTraining(watcher, requestPrefix + model);
                awaitLoaded(detector, model);
            }
            List<MetricsGenerator.Event> stream = generator.stream(streamRounds, options.anomalyRate(), SHIFTS);
            try (ScoreReader reader = new ScoreReader(kafka)) {
                produce(producer, stream);
                console.line("produced %,d stream records (%d hosts x %d reports) to both topics", stream.size(),
                        hosts, streamRounds);
                reader.await(2L * stream.size());
                return MetricsSummary.of(options, history.size(), stream, reader.severities, console.elapsed());
            }
        }
    }

    private String cluster() throws Exception {
        String bootstrap = options.bootstrapServers();
        if (bootstrap == null) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.defaults());
            resources.push(broker);
            bootstrap = broker.bootstrapServers();
            console.line("Kafka: in-JVM KRaft broker at %s", bootstrap);
        } else {
            console.line("Kafka: existing cluster at %s", bootstrap);
        }
        return bootstrap;
    }

    private static void createMetricsTopics(DemoKafka kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.common("admin"))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String t : List.of(ServiceConfig.METRICS_TOPIC, ServiceConfig.METRICS_RAW_TOPIC)) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, DemoKafka.PARTITIONS, (short) -1));
                }
            }
            admin.createTopics(missing).all().get();
        }
    }

    private DetectorClient startServices(String servers) throws Exception {
        Path work = Files.createTempDirectory("normalcy-demo-");
        resources.push(() -> deleteTree(work));
        DemoCredentials credentials = DemoCredentials.generate();
        EmbeddedService trainer = EmbeddedService.trainer(ServiceConfig.metricsTrainer(servers, work.resolve("models"),
                options, credentials));
        resources.push(trainer);
        EmbeddedService detector = EmbeddedService.detector(ServiceConfig.metricsDetector(servers,
                work.resolve("streams"), credentials));
        resources.push(detector);
        console.line("trainer and detector started (models %s and %s, mappings for %s and %s)",
                ServiceConfig.RAW_MODEL, ServiceConfig.DERIVED_MODEL, ServiceConfig.METRICS_RAW_TOPIC,
                ServiceConfig.METRICS_TOPIC);
        return new DetectorClient(detector.port(), credentials.readKey());
    }

    private static KafkaProducer<String, byte[]> producer(DemoKafka kafka) {
        Map<String, Object> p = kafka.common("metrics-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** The same record (key = host, timestamp = event time) to both topics. */
    private static void produce(KafkaProducer<String, byte[]> producer, List<MetricsGenerator.Event> events) {
        for (MetricsGenerator.Event e : events) {
            for (String topic : List.of(ServiceConfig.METRICS_TOPIC, ServiceConfig.METRICS_RAW_TOPIC)) {
                producer.send(new ProducerRecord<>(topic, null, e.eventTime(), e.host(), e.value()));
            }
        }
        producer.flush();
    }

    private void awaitTraining(OutputWatcher watcher, String requestId) throws InterruptedException {
        watcher.await(() -> terminal(watcher.status(requestId)), TRAINING_TIMEOUT);
        TrainingStatus s = watcher.status(requestId);
        if (s == null || s.getState() != TrainingState.SUCCEEDED) {
            throw new DemoException("training for request " + requestId + " did not succeed: "
                    + (s == null ? "no status" : s.getState() + " " + s.getMessage()));
        }
    }

    private void awaitLoaded(DetectorClient detector, String model) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (detector.loadedVersion(model) == 0) {
            if (System.nanoTime() > deadline) {
                throw new DemoException("the detector did not load " + model + " within 60 s");
            }
            Thread.sleep(200); // polling GET /models with a deadline
        }
        console.line("detector scores with %s now (GET /models)", model);
    }

    private static boolean terminal(TrainingStatus s) {
        return s != null && (s.getState() == TrainingState.SUCCEEDED || s.getState() == TrainingState.FAILED);
    }

    private void onStatus(TrainingStatus s) {
        if (s.getState() == TrainingState.SUCCEEDED || s.getState() == TrainingState.FAILED) {
            console.line("trainer: %s %s", s.getState(), s.getMessage());
        }
    }

    /** Severities of this run's scores per model, read from the scores topic from its current end. */
    private final class ScoreReader implements AutoCloseable {
        final Map<String, Map<String, Severity>> severities = new ConcurrentHashMap<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final org.apache.kafka.common.serialization.Deserializer<ScoredEvent> values;

        ScoreReader(DemoKafka kafka) {
            this.topic = kafka.topics().names().scores();
            this.values = kafka.topics().scores().valueSerde().deserializer();
            this.consumer = new KafkaConsumer<>(kafka.consumerConfig("metrics-scores"), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            tps.forEach(consumer::position); // fix the start before anything is produced
        }

        void await(long expected) {
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            long lastPrint = System.nanoTime();
            while (count() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    ScoredEvent s = values.deserialize(topic, r.value());
                    severities.computeIfAbsent(s.getModel(), m -> new HashMap<>()).put(s.getEventId(), s.getSeverity());
                });
                if (System.nanoTime() - lastPrint > 5e9) {
                    console.line("waiting for the detector: %,d of %,d scores", count(), expected);
                    lastPrint = System.nanoTime();
                }
            }
            console.line("%,d of %,d scores read", count(), expected);
        }

        private long count() {
            return severities.values().stream().mapToLong(Map::size).sum();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
