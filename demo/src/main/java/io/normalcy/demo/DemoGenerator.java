package io.normalcy.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic synthetic payments stream (see {@link PaymentsModel}): a fixed population of accounts, each with
 * an entity type and a region, producing events whose volume and values follow a daily cycle. Every call continues
 * the same stream (event times keep increasing), so the training history and the scored stream are one timeline.
 * Anomalies are placed at exactly {@code round(n · rate)} random positions of a batch, the three kinds in turn.
 *
 * <p>Same seed, start and sizes ⇒ the same events, ids and truth, on every machine.
 */
public final class DemoGenerator {
    /** Accounts in the population. */
    public static final int DEFAULT_ENTITIES = 600;
    private static final long HOUR = 3_600_000L;

    private final Random rnd;
    private final String idPrefix;
    private final double meanGapMillis;
    private final List<String> entities = new ArrayList<>();
    private final List<EntityProfile> entityType = new ArrayList<>();
    private final List<String> entityRegion = new ArrayList<>();
    private long time;
    private long sequence;

    /**
     * @param seed          seed of everything random
     * @param startMillis   event time of the stream start (UTC epoch ms)
     * @param meanGapMillis average time between events (the daily cycle modulates it)
     * @param idPrefix      prefix of the event ids, e.g. a run id, so runs against a shared cluster stay apart
     */
    public DemoGenerator(long seed, long startMillis, double meanGapMillis, String idPrefix) {
        this(seed, startMillis, meanGapMillis, idPrefix, DEFAULT_ENTITIES);
    }

    public DemoGenerator(long seed, long startMillis, double meanGapMillis, String idPrefix, int entityCount) {
        if (!(meanGapMillis > 0)) {
            throw new IllegalArgumentException("meanGapMillis must be > 0, got " + meanGapMillis);
        }
        if (entityCount < 1) {
            throw new IllegalArgumentException("entityCount must be >= 1, got " + entityCount);
        }
        this.rnd = new Random(seed);
        this.idPrefix = idPrefix;
        this.meanGapMillis = meanGapMillis;
        this.time = startMillis;
        for (int i = 0; i < entityCount; i++) {
            entities.add(String.format("acct-%04d", i));
            entityType.add(pick(EntityProfile.ALL.stream().mapToDouble(EntityProfile::weight).toArray(),
                    EntityProfile.ALL));
            entityRegion.add(pick(PaymentsModel.REGION_WEIGHTS, PaymentsModel.REGIONS));
        }
    }

    /**
     * The next {@code n} events of the stream.
     *
     * @param anomalyRate share of injected anomalies in this batch, in [0, 1)
     */
    public List<DemoEvent> next(int n, double anomalyRate) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (!(anomalyRate >= 0 && anomalyRate < 1)) {
            throw new IllegalArgumentException("anomalyRate must be in [0, 1), got " + anomalyRate);
        }
        int anomalies = (int) Math.round(n * anomalyRate);
        List<AnomalyKind> plan = new ArrayList<>(Collections.nCopies(n, (AnomalyKind) null));
        for (int i = 0; i < anomalies; i++) {
            plan.set(i, AnomalyKind.values()[i % AnomalyKind.values().length]);
        }
        Collections.shuffle(plan, rnd);
        List<DemoEvent> out = new ArrayList<>(n);
        for (AnomalyKind kind : plan) {
            out.add(event(kind));
        }
        return out;
    }

    private DemoEvent event(AnomalyKind kind) {
        time += nextGap();
        int e = rnd.nextInt(entities.size());
        EntityProfile type = entityType.get(e);
        String region = entityRegion.get(e);
        double hour = Math.floorMod(time, 24 * HOUR) / (double) HOUR;
        PaymentsModel.Noise noise = PaymentsModel.Noise.draw(rnd);
        EntityProfile source = type;
        if (kind == AnomalyKind.SPIKE) {
            noise = spike(noise);
        } else if (kind == AnomalyKind.BROKEN_CORRELATION) {
            double a = 1.2 + rnd.nextDouble();
            double sign = rnd.nextBoolean() ? 1 : -1;
            noise = new PaymentsModel.Noise(sign * a, -sign * a, noise.session(), noise.distance(), noise.fee(),
                    noise.latency());
        } else if (kind == AnomalyKind.WRONG_CONTEXT) {
            source = EntityProfile.named(type.partner());
        }
        Map<String, Double> features = PaymentsModel.realize(source, region, hour, noise, rnd);
        String id = idPrefix + "-" + (sequence++);
        return new DemoEvent(id, entities.get(e), time, type.name(), region, features, kind);
    }

    /** One of amount, session, distance, latency pushed 5–8 standard deviations up (the dependents follow). */
    private PaymentsModel.Noise spike(PaymentsModel.Noise n) {
        double z = 5 + 3 * rnd.nextDouble();
        return switch (rnd.nextInt(4)) {
            case 0 -> new PaymentsModel.Noise(z, z, n.session(), n.distance(), n.fee(), n.latency());
            case 1 -> new PaymentsModel.Noise(n.amount(), n.linked(), z, n.distance(), n.fee(), n.latency());
            case 2 -> new PaymentsModel.Noise(n.amount(), n.linked(), n.session(), z, n.fee(), n.latency());
            default -> new PaymentsModel.Noise(n.amount(), n.linked(), n.session(), n.distance(), n.fee(), z);
        };
    }

    /** Exponential gap whose rate follows the daily cycle: busiest at 15:00 UTC, quietest at 03:00. */
    private long nextGap() {
        double hour = Math.floorMod(time, 24 * HOUR) / (double) HOUR;
        double intensity = 1 + 0.7 * Math.cos(2 * Math.PI * (hour - 15) / 24);
        return Math.max(1, Math.round(-Math.log(1 - rnd.nextDouble()) * meanGapMillis / intensity));
    }

    private <T> T pick(double[] weights, List<T> values) {
        double u = rnd.nextDouble();
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (u < acc) {
                return values.get(i);
            }
        }
        return values.get(values.size() - 1);
    }

    /** Event time of the last generated event. */
    public long currentTime() {
        return time;
    }
}
