package io.normalcy.bench.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.normalcy.avro.ModelVersion;
import io.normalcy.bench.reliability.ChaosModels.BadModel;
import io.normalcy.bench.reliability.Ledger.Dest;
import io.normalcy.bench.reliability.Ledger.Output;
import io.normalcy.schemas.ModelKeys;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * (7) Every bad-model kind on the models topic ({@link ChaosModels#badModels}), one after the other over a served,
 * signed v2: after each, a batch of good records must be scored by v2 (not parked, not by the bad record) and
 * {@code GET /models} must still say v2. Then the topic is compacted (as it will be, an hour or a day later), the
 * detector is SIGKILLed and restarted, and the same must hold: the served version stays the good newest.
 */
final class ModelCase {
    private static final int BATCH = 50;
    private static final long GOOD = 2;
    private static final Pattern REASON = Pattern.compile("reason=\"([^\"]+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelCase() {
    }

    static CaseResult run(CaseContext ctx) throws Exception {
        ChaosModels models = ctx.cluster.models;
        ModelVersion v1 = models.signed(CaseContext.MODEL, 1);
        ModelVersion v2 = models.signed(CaseContext.MODEL, GOOD);
        ctx.publishModel(v1);
        ctx.publishModel(v2);
        DetectorProcess d = ctx.startDetector("a", Map.of());
        Random rng = new Random(ctx.options.seed);
        long[] next = {0};
        awaitServed(ctx, d, GOOD, Duration.ofSeconds(60));
        step(ctx, d, "baseline", rng, next);
        int kept = 0;
        List<BadModel> bad = models.badModels(CaseContext.MODEL, v2, v1);
        for (BadModel b : bad) {
            ctx.publishRaw(ctx.topics.models(), b.key(), b.value());
            kept += step(ctx, d, b.kind(), rng, next) ? 1 : 0;
        }
        ctx.notes.add(0, kept + " of " + bad.size() + " bad-model kinds left v" + GOOD + " serving");
        ctx.notes.add("models rejected by reason before the restart: " + rejected(d));
        compact(ctx);
        ctx.kill("a");
        d = ctx.startDetector("a", Map.of());
        awaitServed(ctx, d, GOOD, Duration.ofSeconds(30));
        if (!step(ctx, d, "after-restart", rng, next)) {
            ctx.failures.add("after compaction and a restart the detector no longer serves v" + GOOD);
        }
        ctx.notes.add("models rejected by reason after the restart (replaying the topic): " + rejected(d));
        Tally t = ctx.drain();
        return ctx.result(t, "-", "-");
    }

    /**
     * Sends a batch of good records labelled {@code label}, waits until each has an output, and checks that all
     * were scored by v{@value #GOOD} and that the detector serves v{@value #GOOD}. Books a failure otherwise.
     */
    private static boolean step(CaseContext ctx, DetectorProcess d, String label, Random rng, long[] next)
            throws Exception {
        String kind = "after:" + label;
        for (int k = 0; k < BATCH; k++) {
            long i = next[0]++;
            var fv = ctx.traffic.event(i, rng);
            ctx.sender.send(kind, fv.getEventId(), fv.getEntity().getBytes(StandardCharsets.UTF_8),
                    Traffic.avro(fv), Ledger.Expectation.SCORE);
        }
        ctx.sender.flush(60_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (ctx.ledger.unanswered() > 0 && System.nanoTime() < deadline) {
            ctx.supervise();
            Thread.sleep(100);
        }
        List<Output> outs = ctx.ledger.outputsOfKind(kind);
        TreeSet<Long> versions = new TreeSet<>();
        long scored = 0;
        long other = 0;
        for (Output o : outs) {
            if (o.dest() == Dest.SCORES) {
                scored++;
                versions.add(o.modelVersion());
            } else {
                other++;
            }
        }
        long served = servedVersion(d);
        boolean ok = scored == BATCH && other == 0 && versions.equals(new TreeSet<>(List.of(GOOD))) && served == GOOD;
        ctx.notes.add(String.format("models %-20s served %s; batch of %d: %d scored (versions %s), %d parked/dead-"
                        + "lettered, %d unanswered%s", label, served < 0 ? "none" : "v" + served, BATCH, scored,
                versions, other, BATCH - outs.size(), ok ? "" : "   <-- FAIL"));
        if (!ok && !label.equals("after-restart")) {
            ctx.failures.add("after " + label + ": " + (served == GOOD ? "" : "served " + (served < 0 ? "none" : "v"
                    + served) + ", ") + scored + "/" + BATCH + " scored by " + versions);
        }
        return ok;
    }

    /** The version {@code GET /models} reports for the suite's model, or -1 when it lists none. */
    static long servedVersion(DetectorProcess d) throws InterruptedException {
        try {
            HttpResponse<String> r = d.get("/models");
            if (r.statusCode() != 200) {
                return -1;
            }
            for (JsonNode m : JSON.readTree(r.body())) {
                if (CaseContext.MODEL.equals(m.path("name").asText())) {
                    return m.path("version").asLong(-1);
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static void awaitServed(CaseContext ctx, DetectorProcess d, long version, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (servedVersion(d) != version && System.nanoTime() < deadline) {
            ctx.supervise();
            Thread.sleep(200);
        }
    }

    /**
     * Lets the models topic compact now (as it will after min.compaction.lag, an hour by default): no lag, short
     * segments, tombstones kept 1 s; rolls the segment with a marker record under another key and waits until the
     * model's key has at most one record left.
     */
    private static void compact(CaseContext ctx) throws Exception {
        String topic = ctx.topics.models();
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        List<AlterConfigOp> ops = new ArrayList<>();
        Map.of(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0", TopicConfig.SEGMENT_MS_CONFIG, "500",
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01", TopicConfig.DELETE_RETENTION_MS_CONFIG, "1000")
                .forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        ctx.cluster.admin.incrementalAlterConfigs(Map.of(res, ops)).all().get(30, TimeUnit.SECONDS);
        int before = recordsOfModel(ctx);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int now = before;
        while (now > 1 && System.nanoTime() < deadline) {
            CrashCases.pause(Duration.ofSeconds(1)); // past segment.ms, so the next append rolls the segment
            ctx.publishRaw(topic, "chaos-segment-roll", new byte[] {0});
            now = recordsOfModel(ctx);
        }
        ctx.notes.add("models topic compacted: at most " + before + " records under one key of " + CaseContext.MODEL + " → " + now
                + (now > 1 ? " (compaction did not run within 90 s)" : ""));
    }

    /** The most records any one key of the suite's model has on the topic (1 once compaction has run). */
    private static int recordsOfModel(CaseContext ctx) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.cluster.bootstrap());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chaos-models-reader");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 * 1024 * 1024);
        Map<String, Integer> perKey = new java.util.HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(ctx.topics.models(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (CaseContext.MODEL.equals(ModelKeys.modelOf(r.key()))) {
                        perKey.merge(r.key(), 1, Integer::sum);
                    }
                }
            }
        }
        return perKey.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** {@code normalcy_models_rejected_total} by reason, from the detector's /prometheus. */
    private static String rejected(DetectorProcess d) throws InterruptedException {
        try {
            HttpResponse<String> r = d.get("/prometheus");
            Map<String, Double> byReason = new TreeMap<>();
            for (String line : r.body().split("\n")) {
                if (line.startsWith("normalcy_models_rejected_total{")) {
                    Matcher m = REASON.matcher(line);
                    byReason.merge(m.find() ? m.group(1) : "?",
                            Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
                }
            }
            return byReason.isEmpty() ? "none" : format(byReason.entrySet());
        } catch (IOException | RuntimeException e) {
            return "unavailable (" + e + ")";
        }
    }

    private static String format(Collection<Map.Entry<String, Double>> entries) {
        List<String> parts = new ArrayList<>();
        entries.forEach(e -> parts.add(e.getKey() + " " + Math.round(e.getValue())));
        return String.join(", ", parts);
    }
}
