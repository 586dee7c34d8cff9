package io.normalcy.demo;

import io.normalcy.avro.Severity;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.EmbeddedKafkaBroker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end-to-end demo: broker (in-JVM unless one is given), topics, trainer and detector, a history to train on, a
 * retrain request through the retrain topic, the scored stream with a second retrain in the middle (hot swap),
 * then the bookkeeping: every produced event must come out scored, parked or dead-lettered, and the scores are
 * compared with the injected truth.
 */
final class DemoRun {
    private static final long DAY = 86_400_000L;
    /** Simulated days the history plus the stream cover (inside the default 7-day topic retention). */
    static final int SIMULATED_DAYS = 5;
    private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);

    private final DemoOptions options;
    private final Console console;
    private final long startMillis = System.currentTimeMillis();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private double phaseStart;
    private int lastEpochPrinted = -1;

    DemoRun(DemoOptions options, Console console) {
        this.options = options;
        this.console = console;
    }

    /** Runs the demo; {@code onSummary} sees the summary before the services shut down (their logs come after). */
    DemoSummary run(java.util.function.Consumer<DemoSummary> onSummary) throws Exception {
        try {
            DemoSummary summary = execute();
            onSummary.accept(summary);
            return summary;
        } finally {
            console.line("stopping the services%s", options.bootstrapServers() == null ? " and the broker" : "");
            closeAll();
        }
    }

    private DemoSummary execute() throws Exception {
        String runId = Long.toString(startMillis, 36);
        String idPrefix = "demo-" + runId;
        String requestPrefix = "demo-" + runId + "-retrain-";
        Cluster cluster = cluster();
        DemoKafka kafka = new DemoKafka(cluster.servers());
        resources.push(kafka);
        int created = kafka.ensureTopics();
        console.line("topics ready (%d created, %d partitions per event topic)", created, DemoKafka.PARTITIONS);
        DetectorClient detectorApi = startServices(cluster.servers());
        OutputWatcher watcher = new OutputWatcher(kafka, idPrefix, requestPrefix, this::onStatus);
        resources.push(watcher);
        watcher.start();
        endPhase("start-up");

        // --- history and the first model ---
        long total = (long) options.history() + options.records();
        long start = startOfToday() - SIMULATED_DAYS * DAY;
        DemoGenerator generator = new DemoGenerator(options.seed(), start, SIMULATED_DAYS * DAY / (double) total,
                idPrefix);
        List<DemoEvent> history = generator.next(options.history(), 0);
        kafka.produce(history);
        console.line("produced %,d history events to %s (%s: %d entity types x %d regions, %.1f simulated days)",
                history.size(), kafka.topics().names().features(), PaymentsModel.MODEL, EntityProfile.ALL.size(),
                PaymentsModel.REGIONS.size(), (generator.currentTime() - start) / (double) DAY);
        endPhase("history");

        String first = requestPrefix + 1;
        kafka.requestRetrain(first, "demo: first model", (long) options.history());
        console.line("retrain request %s sent to %s", first, kafka.topics().names().retrain());
        long v1 = awaitTraining(watcher, first);
        awaitLoaded(watcher, detectorApi, v1);
        endPhase("train v1");

        Injected stream = Injected.of(generator.next(options.records(), options.anomalyRate()));
        long v2 = streamWithRetrain(stream, kafka, watcher, detectorApi, requestPrefix + 2, v1);
        endPhase("stream + retrain");

        drain(watcher, total);
        endPhase("drain");
        if (options.scoresCsv() != null) {
            writeCsv(options.scoresCsv(), stream.events(), watcher);
            console.line("wrote every scored stream event with its truth to %s", options.scoresCsv());
        }
        return summary(cluster.text(), watcher, history.size(), stream.events().size(), stream.counts(),
                stream.truth(), v1, v2);
    }

    /** Bootstrap servers of the cluster the demo runs on, and how to describe it. */
    private record Cluster(String servers, String text) {
    }

    /** The given cluster, or an in-JVM KRaft broker (closed with the demo). */
    private Cluster cluster() throws Exception {
        String bootstrap = options.bootstrapServers();
        Cluster cluster;
        if (bootstrap == null) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.defaults());
            resources.push(broker);
            cluster = new Cluster(broker.bootstrapServers(), "in-JVM KRaft broker at " + broker.bootstrapServers());
        } else {
            cluster = new Cluster(bootstrap, "existing cluster at " + bootstrap);
        }
        console.line("Kafka: %s", cluster.text());
        return cluster;
    }

    /** Starts the trainer and the detector (closed with the demo); returns a client of the detector's API. */
    private DetectorClient startServices(String servers) throws Exception {
        Path work = Files.createTempDirectory("normalcy-demo-");
        resources.push(() -> deleteTree(work));
        DemoCredentials credentials = DemoCredentials.generate();
        // both services start at once: each spends most of its start-up loading classes, on separate cores
        var detectorStart = new java.util.concurrent.FutureTask<>(() ->
                EmbeddedService.detector(ServiceConfig.detector(servers, work.resolve("streams"), credentials)));
        Thread starter = new Thread(detectorStart, "normalcy-demo-detector-start");
        starter.start();
        EmbeddedService trainer = null;
        try {
            trainer = EmbeddedService.trainer(ServiceConfig.trainer(servers, work.resolve("models"), options,
                    credentials));
        } finally {
            starter.join();
            if (trainer == null) {
                resources.push(() -> started(detectorStart).close()); // the trainer failed: still stop the detector
            }
        }
        resources.push(trainer);
        EmbeddedService detector = started(detectorStart);
        resources.push(detector);
        console.line("trainer started (Micronaut, http://localhost:%d, training in-process)", trainer.port());
        console.line("detector started (Micronaut + Kafka Streams, http://localhost:%d)", detector.port());
        return new DetectorClient(detector.port(), credentials.readKey());
    }

    /** The stream's events with the injected truth: event id → kind, and the count per kind. */
    private record Injected(List<DemoEvent> events, Map<String, AnomalyKind> truth, Map<AnomalyKind, Long> counts) {
        static Injected of(List<DemoEvent> stream) {
            Map<String, AnomalyKind> truth = new HashMap<>();
            Map<AnomalyKind, Long> injected = new EnumMap<>(AnomalyKind.class);
            for (AnomalyKind k : AnomalyKind.values()) {
                injected.put(k, 0L);
            }
            for (DemoEvent e : stream) {
                if (e.isAnomaly()) {
                    truth.put(e.eventId(), e.anomaly());
                    injected.merge(e.anomaly(), 1L, Long::sum);
                }
            }
            return new Injected(stream, truth, injected);
        }
    }

    /**
     * The scored stream with a retrain (and hot swap) in the middle: half the stream, the retrain request, a
     * trickle while v2 trains, then the rest once the detector has loaded v2.
     *
     * @return v2
     */
    private long streamWithRetrain(Injected injected, DemoKafka kafka, OutputWatcher watcher, DetectorClient detectorApi,
                                   String second, long v1) throws Exception {
        List<DemoEvent> stream = injected.events();
        int half = stream.size() / 2;
        int threeQuarters = stream.size() * 3 / 4;
        kafka.produce(stream.subList(0, half));
        console.line("produced %,d of %,d stream events (%,d injected anomalies in the stream)", half, stream.size(),
                injected.truth().size());
        // The stream carries injected anomalies; a model retrained on contaminated data would calibrate its
        // thresholds on them (its critical recall drops to ~0.5-0.7). The retrain window therefore ends where the
        // stream starts: the most recent clean events, as an operator would choose after an incident. A new seed (a
        // per-request override) makes v2 a fresh fit rather than a bit-identical copy of v1.
        kafka.requestRetrain(second, "demo: retrain on recent clean data, new seed", (long) options.history(),
                java.time.Instant.ofEpochMilli(stream.get(0).eventTime()),
                java.util.Map.of("seed", Long.toString(options.seed() + 1)));
        console.line("retrain request %s sent while the stream flows; the detector keeps scoring with v%d", second, v1);
        double trainSeconds = Math.max(5, phases.get("train v1"));
        trickle(stream.subList(half, threeQuarters), kafka, detectorApi, v1, trainSeconds);
        long v2 = awaitTraining(watcher, second);
        awaitLoaded(watcher, detectorApi, v2);
        kafka.produce(stream.subList(threeQuarters, stream.size()));
        console.line("produced the remaining %,d stream events", stream.size() - threeQuarters);
        return v2;
    }

    /** Bookkeeping: waits (with progress lines) until every produced event is scored, parked or dead-lettered. */
    private void drain(OutputWatcher watcher, long total) throws InterruptedException {
        long lastPrint = 0;
        boolean done = false;
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (!done && System.nanoTime() < deadline) {
            done = watcher.await(() -> watcher.accounted() == total, Duration.ofSeconds(5));
            if (!done && System.nanoTime() - lastPrint > 5e9) {
                console.line("waiting for the detector: %,d of %,d events accounted for", watcher.accounted(), total);
                lastPrint = System.nanoTime();
            }
        }
        watcher.await(() -> alertsSettled(watcher), Duration.ofSeconds(5));
        console.line(done ? "all %,d events accounted for" : "timed out: only %,d of %,d events accounted for",
                watcher.accounted(), total);
    }

    private DemoSummary summary(String kafkaText, OutputWatcher watcher, int history, int stream,
                                Map<AnomalyKind, Long> injected, Map<String, AnomalyKind> truth, long v1, long v2) {
        Map<String, Severity> severities = new HashMap<>();
        Map<Long, Long> byVersion = new TreeMap<>();
        Map<Long, Map<String, Severity>> severitiesByVersion = new TreeMap<>();
        watcher.scored().forEach((id, s) -> {
            severities.put(id, s.severity());
            byVersion.merge(s.version(), 1L, Long::sum);
            severitiesByVersion.computeIfAbsent(s.version(), v -> new HashMap<>()).put(id, s.severity());
        });
        Map<Long, Detection> criticalByVersion = new TreeMap<>();
        Map<Long, Detection> warningByVersion = new TreeMap<>();
        severitiesByVersion.forEach((v, sev) -> {
            criticalByVersion.put(v, Detection.of(Severity.CRITICAL, sev, truth));
            warningByVersion.put(v, Detection.of(Severity.WARNING, sev, truth));
        });
        Map<Long, OutputWatcher.Published> published = watcher.published();
        List<DemoSummary.Model> models = List.of(v1, v2).stream().filter(published::containsKey).map(v -> {
            OutputWatcher.Published p = published.get(v);
            return new DemoSummary.Model(v, seconds(p.seenAtMillis()), p.recordCount(), p.validationNll(),
                    p.trainingMillis() == null ? null : p.trainingMillis() / 1000.0);
        }).toList();
        Long firstV2 = watcher.firstScoredAt().get(v2);
        DemoSummary.Swap swap = firstV2 == null || !published.containsKey(v2) ? null
                : new DemoSummary.Swap(v1, v2, seconds(published.get(v2).seenAtMillis()), seconds(firstV2));
        return new DemoSummary(kafkaText, history, stream, injected, watcher.scored().size(), watcher.parked().size(),
                watcher.deadLettered().size(), watcher.accounted(), watcher.alertCounts(), byVersion, models, swap,
                Detection.of(Severity.CRITICAL, severities, truth), Detection.of(Severity.WARNING, severities, truth),
                criticalByVersion, warningByVersion, phases, console.elapsed());
    }

    /** Alerts are written in the same transaction as the scores; give the watcher a moment to read the last ones. */
    private static boolean alertsSettled(OutputWatcher watcher) {
        long flagged = watcher.scored().values().stream().filter(s -> s.severity() != Severity.NORMAL).count();
        return watcher.alertCounts().values().stream().mapToLong(Long::longValue).sum() >= flagged;
    }

    /** Produces {@code events} in small chunks spread over about one training time, faster once the swap is done. */
    private void trickle(List<DemoEvent> events, DemoKafka kafka, DetectorClient detector, long oldVersion,
                         double seconds) throws InterruptedException {
        int chunk = 100;
        long pauseMillis = (long) (1000 * seconds / Math.max(1, events.size() / chunk));
        for (int i = 0; i < events.size(); i += chunk) {
            kafka.produce(events.subList(i, Math.min(events.size(), i + chunk)));
            if (detector.loadedVersion() <= oldVersion) {
                Thread.sleep(pauseMillis);
            }
        }
        console.line("produced %,d more stream events while v%d trained", events.size(), oldVersion + 1);
    }

    /** Waits for the request's terminal status; returns the published version or fails with the trainer's message. */
    private long awaitTraining(OutputWatcher watcher, String requestId) throws InterruptedException {
        boolean done = watcher.await(() -> terminal(watcher.status(requestId)), TRAINING_TIMEOUT);
        TrainingStatus s = watcher.status(requestId);
        if (!done) {
            throw new DemoException("training for request " + requestId + " did not finish within " + TRAINING_TIMEOUT
                    + (s == null ? "; the trainer never reported a status (is it consuming the retrain topic?)"
                    : "; last status " + s.getState() + " " + s.getMessage()));
        }
        if (s.getState() == TrainingState.FAILED || s.getPublishedVersion() == null) {
            throw new DemoException("training for request " + requestId + " failed: " + s.getMessage());
        }
        long version = s.getPublishedVersion();
        if (!watcher.await(() -> watcher.published().containsKey(version), Duration.ofSeconds(60))) {
            throw new DemoException("the trainer reported v" + version + " but it did not appear on the models topic");
        }
        return version;
    }

    private void awaitLoaded(OutputWatcher watcher, DetectorClient detector, long version) throws InterruptedException {
        if (!watcher.await(() -> detector.loadedVersion() >= version, Duration.ofSeconds(60))) {
            throw new DemoException("the detector did not load " + PaymentsModel.MODEL + " v" + version
                    + " within 60 s (GET /models reports v" + detector.loadedVersion() + ")");
        }
        console.line("detector scores with %s v%d now (GET /models)", PaymentsModel.MODEL, version);
    }

    private static EmbeddedService started(java.util.concurrent.FutureTask<EmbeddedService> task)
            throws InterruptedException {
        try {
            return task.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static boolean terminal(TrainingStatus s) {
        return s != null && (s.getState() == TrainingState.SUCCEEDED || s.getState() == TrainingState.FAILED);
    }

    /** Called on the watcher thread for every status of this run's requests. */
    private void onStatus(TrainingStatus s) {
        String req = s.getRequestId().substring(s.getRequestId().lastIndexOf('-') + 1);
        switch (s.getState()) {
            case QUEUED -> console.line("trainer: request %s queued (%s)", req, s.getMessage());
            case RUNNING -> {
                if (s.getEpoch() != null && s.getEpoch() > 0 && s.getTrainLoss() != null) {
                    if (s.getEpoch() != lastEpochPrinted) {
                        lastEpochPrinted = s.getEpoch();
                        console.line("trainer: epoch %2d/%d  loss: train %6.3f, validation %6.3f", s.getEpoch(),
                                s.getTotalEpochs(), s.getTrainLoss(),
                                s.getValidationLoss() == null ? Double.NaN : s.getValidationLoss());
                    }
                } else if (!s.getMessage().isBlank()) {
                    lastEpochPrinted = -1;
                    console.line("trainer: %s", s.getMessage());
                }
            }
            case SUCCEEDED -> console.line("trainer: %s", s.getMessage());
            case FAILED -> console.line("trainer: FAILED: %s", s.getMessage());
        }
    }

    private void endPhase(String name) {
        double now = console.elapsed();
        phases.put(name, now - phaseStart);
        phaseStart = now;
    }

    private double seconds(long wallMillis) {
        return (wallMillis - startMillis) / 1000.0;
    }

    private static long startOfToday() {
        long now = System.currentTimeMillis();
        return now - Math.floorMod(now, DAY);
    }

    /** One line per stream event: truth, the model's verdict and the exact log-density of the generator. */
    private static void writeCsv(Path file, List<DemoEvent> stream, OutputWatcher watcher) throws IOException {
        try (var w = Files.newBufferedWriter(file)) {
            w.write("eventId,entityType,region,hourOfDay," + String.join(",", PaymentsModel.FEATURES)
                    + ",truth,modelVersion,severity,logDensity,trueLogDensity\n");
            for (DemoEvent e : stream) {
                OutputWatcher.Scored s = watcher.scored().get(e.eventId());
                StringBuilder sb = new StringBuilder().append(e.eventId()).append(',').append(e.entityType()).append(',')
                        .append(e.region()).append(',').append(String.format(java.util.Locale.ROOT, "%.3f", e.hourOfDay()));
                for (String f : PaymentsModel.FEATURES) {
                    sb.append(',').append(e.features().get(f));
                }
                sb.append(',').append(e.isAnomaly() ? e.anomaly().label() : "normal").append(',')
                        .append(s == null ? "" : s.version()).append(',').append(s == null ? "" : s.severity())
                        .append(',').append(s == null ? "" : s.logDensity()).append(',')
                        .append(PaymentsModel.logDensity(e.features(), EntityProfile.named(e.entityType()), e.region(),
                                e.hourOfDay())).append('\n');
                w.write(sb.toString());
            }
        }
    }

    private void closeAll() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                System.err.println("demo: clean-up failed: " + e);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
