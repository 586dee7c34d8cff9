package io.normalcy.bench.reliability;

import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.avro.SubscriptionFilter;
import io.normalcy.bench.reliability.FuzzCorpus.Bad;
import io.normalcy.bench.reliability.FuzzCorpus.Kind;
import io.normalcy.bench.reliability.Ledger.Expectation;
import io.normalcy.schemas.serde.AvroSerde;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The cases about hostile input: malformed feature records (fuzz) and a subscription whose entity pattern makes
 * Java's backtracking regex engine run for hours on one alert (ReDoS), once through the API and once written
 * straight to the subscriptions topic.
 */
final class InputCases {
    /**
     * On "a" x n + "!" the second alternative backtracks through every way of splitting the a's into 20 groups, and
     * Java's regex memoisation does not rescue it (JDK 17, warm JIT: 0.6 s at n = 24, 10 s at n = 28; hours at
     * n = 40). Even a matching all-a entity takes long (25 a's hung a detector), hence the first alternative: the
     * probe entity {@value #PROBE_ENTITY} matches it at once and proves the subscription is live.
     */
    static final String PROBE_ENTITY = "chaos-probe";
    static final String REDOS_PATTERN = PROBE_ENTITY + "|(.*a){20}";
    static final String SUBSCRIBER = "chaos-redos";
    private static final int GOOD_BETWEEN = 20;

    private InputCases() {
    }

    /**
     * (6) Every fuzz kind, interleaved with good records ({@value #GOOD_BETWEEN} good before each bad one): all
     * good records scored once, each bad one in the dead-letter topic with its documented reason (or parked), and
     * the detector still UP.
     */
    static CaseResult fuzz(CaseContext ctx) throws Exception {
        ctx.publishModel(ctx.cluster.models.signed(CaseContext.MODEL, 1));
        ctx.startDetector("a", Map.of());
        List<Kind> kinds = new FuzzCorpus(ctx.traffic).kinds();
        Random rng = new Random(ctx.options.seed);
        long i = 0;
        for (int copy = 0; copy < ctx.options.fuzzCopies; copy++) {
            for (Kind k : kinds) {
                for (int g = 0; g < GOOD_BETWEEN; g++) {
                    ctx.traffic.send(ctx.sender, i++, rng);
                }
                Bad bad = k.make(i, rng);
                ctx.sender.send(k.name(), "fuzz-" + i++, bad.key(), bad.value(), k.expect());
            }
        }
        for (int g = 0; g < 100; g++) {
            ctx.traffic.send(ctx.sender, i++, rng);
        }
        Tally t = ctx.drain();
        int ok = 0;
        List<String> wrong = new java.util.ArrayList<>();
        for (Kind k : kinds) {
            Tally.KindStats s = t.kinds().get(k.name());
            boolean good = s != null && s.asExpected() == s.in();
            ok += good ? 1 : 0;
            if (!good) {
                wrong.add(k.name() + " " + (s == null ? "nothing" : s.outcomes()));
            }
            ctx.notes.add(String.format("fuzz %-24s expected %-26s got %s%s", k.name(), k.expect(),
                    s == null ? "nothing" : s.outcomes(), good ? "" : "   <-- FAIL"));
        }
        ctx.notes.add(0, ok + " of " + kinds.size() + " malformed kinds handled as documented");
        if (!wrong.isEmpty()) {
            ctx.failures.add("malformed kinds not handled as documented: " + String.join("; ", wrong));
        }
        return ctx.result(t, "-", "-");
    }

    /**
     * (8) ReDoS: a subscription with {@link #REDOS_PATTERN} as its entity pattern, then an alert whose entity is
     * "a" x 40 + "!", then steady traffic. Scoring must go on: every following record scored, their producer →
     * visible-score latency p99 within the limit. Via the API, a 400 (pattern refused) is a correct answer; via the
     * topic (a subscription already stored, or written by another tool) the detector must defend itself.
     *
     * @param viaApi POST /subscriptions (true) or write the subscription record to the topic (false)
     */
    static CaseResult redos(CaseContext ctx, boolean viaApi, String deliveryTopic) throws Exception {
        ctx.publishModel(ctx.cluster.models.signed(CaseContext.MODEL, 1));
        DetectorProcess d = ctx.startDetector("a", Map.of());
        Random rng = new Random(ctx.options.seed);
        long i = 0;
        for (; i < 200; i++) {
            ctx.traffic.send(ctx.sender, i, rng);
        }
        if (!ctx.awaitScores(200, Duration.ofSeconds(120))) {
            throw new IllegalStateException("the warm-up records were not scored within 120 s");
        }
        boolean active = viaApi ? subscribeViaApi(ctx, d, deliveryTopic) : subscribeViaTopic(ctx, deliveryTopic);
        if (active) {
            i = probe(ctx, i, deliveryTopic, rng);
        }
        long poisonAt = System.currentTimeMillis();
        sendAnomaly(ctx, i++, "a".repeat(40) + "!", rng);
        try (Traffic.Run run = ctx.traffic.new Run(ctx.sender, ctx.options.rate, ctx.options.redosTraffic, i,
                ctx.options.seed + 1).start()) {
            run.await();
        }
        Tally t = ctx.drain();
        return ctx.result(t, latencyAfter(ctx, poisonAt), "-");
    }

    private static boolean subscribeViaApi(CaseContext ctx, DetectorProcess d, String topic) throws Exception {
        String body = "{\"subscriberId\":\"" + SUBSCRIBER + "\",\"filter\":{\"models\":[\"" + CaseContext.MODEL
                + "\"],\"minSeverity\":\"WARNING\",\"entityPattern\":\"" + REDOS_PATTERN + "\"},"
                + "\"delivery\":{\"kafkaTopic\":\"" + topic + "\"}}";
        HttpResponse<String> r = d.postJson("/subscriptions", body);
        int s = r.statusCode();
        if (s == 200 || s == 201) {
            ctx.notes.add("POST /subscriptions with entityPattern " + REDOS_PATTERN + ": HTTP " + s + " (accepted)");
            return true;
        }
        if (s == 400) {
            ctx.notes.add("POST /subscriptions with entityPattern " + REDOS_PATTERN + ": HTTP 400 (refused: "
                    + DetectorProcess.abbreviate(r.body()) + ")");
            return false;
        }
        String hint = s == 401 || s == 403 ? " (HTTP auth is on: pass --api-key or NORMALCY_API_KEY)" : "";
        ctx.failures.add("POST /subscriptions answered HTTP " + s + hint + ": " + DetectorProcess.abbreviate(r.body()));
        return false;
    }

    private static boolean subscribeViaTopic(CaseContext ctx, String topic) throws Exception {
        AlertSubscription sub = AlertSubscription.newBuilder().setSubscriberId(SUBSCRIBER)
                .setFilter(SubscriptionFilter.newBuilder().setModels(List.of(CaseContext.MODEL))
                        .setMinSeverity(Severity.WARNING).setEntityPattern(REDOS_PATTERN).setContextMatch(Map.of())
                        .build())
                .setDelivery(SubscriptionDelivery.newBuilder().setKafkaTopic(topic).build())
                .setEnabled(true).setCreatedAt(Instant.now()).setUpdatedAt(Instant.now()).build();
        ctx.publishRaw(ctx.topics.subscriptions(), SUBSCRIBER,
                AvroSerde.of(AlertSubscription.class).serialize(ctx.topics.subscriptions(), sub));
        ctx.notes.add("subscription with entityPattern " + REDOS_PATTERN + " written to " + ctx.topics.subscriptions());
        return true;
    }

    private static void sendAnomaly(CaseContext ctx, long i, String entity, Random rng) {
        FeatureVector fv = ctx.traffic.event(i, entity, true, rng);
        ctx.sender.send(entity.equals(PROBE_ENTITY) ? "redos-probe" : "redos-alert", fv.getEventId(), entity.getBytes(StandardCharsets.UTF_8), Traffic.avro(fv),
                Expectation.SCORE);
    }

    /**
     * Sends a matching probe alert every 2 s until one is routed to the subscription's topic (the stream thread
     * learns of a subscription through its own global store, after the API or the topic write returned), so the
     * subscription is live before the pathological alert comes. Returns the next event index.
     */
    private static long probe(CaseContext ctx, long i, String topic, Random rng) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long next = i;
        while (ctx.collector.counted(topic) < 1) {
            if (System.nanoTime() > deadline) {
                ctx.notes.add("no probe alert (entity " + PROBE_ENTITY + ", matches the pattern at once) was routed "
                        + "within 60 s: the subscription is not active in the stream");
                return next;
            }
            sendAnomaly(ctx, next++, PROBE_ENTITY, rng);
            long wait = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (ctx.collector.counted(topic) < 1 && System.nanoTime() < wait) {
                ctx.supervise();
                Thread.sleep(100);
            }
        }
        ctx.notes.add("probe alert routed to " + topic + " after " + (next - i) + " probe(s): the subscription is live");
        return next;
    }

    /**
     * Producer → visible-score latency of the records sent after the pathological alert; fails past the limit.
     * Returns the table's figure.
     */
    private static String latencyAfter(CaseContext ctx, long since) {
        Ledger.Latencies l = ctx.ledger.latencies(in -> in.sentAtMs() > since && in.kind().equals("good"));
        if (l.sorted().length == 0) {
            ctx.failures.add("none of the " + l.unscored() + " records after the pathological alert was scored");
            return "no score after the alert";
        }
        ctx.notes.add("after the pathological alert: " + l.summary());
        long p99 = l.quantile(0.99);
        if (p99 > ctx.options.maxLatency.toMillis()) {
            ctx.failures.add("score latency after the pathological alert: p99 " + p99 + " ms > "
                    + ctx.options.maxLatency.toMillis() + " ms");
        }
        return String.format(Locale.ROOT, "score latency after the alert p99 %.1f s%s", p99 / 1000.0,
                l.unscored() > 0 ? ", " + l.unscored() + " never scored" : "");
    }
}
