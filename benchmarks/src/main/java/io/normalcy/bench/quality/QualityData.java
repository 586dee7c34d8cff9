package io.normalcy.bench.quality;

import io.normalcy.demo.DemoEvent;
import io.normalcy.demo.DemoGenerator;
import io.normalcy.demo.PaymentsModel;
import io.normalcy.flow.fit.RawRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The events with known truth every method sees, from the demo's generator ({@link DemoGenerator}, the payments
 * stream: 4 entity types × 3 regions, a daily cycle, six correlated features, three injected anomaly kinds).
 * Reusing it rather than a bespoke generator means the benchmark measures the distribution the demo and the docs
 * talk about, including {@code WRONG_CONTEXT}: a normal event of the partner entity type labelled with this one,
 * anomalous <em>only</em> given the context.
 *
 * <p>History and test are one timeline of one generator (as in the demo), so a streaming peer sees them in event
 * order. The calibration set comes from a second generator with another seed: another population of accounts
 * drawn from the same distribution, never seen by any model.
 *
 * @param history     clean events to train on
 * @param test        the scored stream, with injected anomalies
 * @param calibration fresh clean events for the calibration check
 */
public record QualityData(List<DemoEvent> history, List<DemoEvent> test, List<DemoEvent> calibration) {
    private static final long DAY = 86_400_000L;
    /** A fixed Monday, 2026-01-05T00:00Z: the same events on every run and machine (the demo uses "today"). */
    static final long START = 1_767_571_200_000L;
    /** Simulated days the history and the test stream span together, as in the demo. */
    static final int DAYS = 5;

    public static QualityData generate(QualityOptions o) {
        int total = o.train() + o.test();
        DemoGenerator stream = new DemoGenerator(o.seed(), START, DAYS * DAY / (double) total, "q");
        List<DemoEvent> history = stream.next(o.train(), 0);
        List<DemoEvent> test = stream.next(o.test(), o.anomalyRate());
        DemoGenerator fresh = new DemoGenerator(o.seed() + 1, START, DAYS * DAY / (double) o.calibration(), "c");
        List<DemoEvent> calibration = fresh.next(o.calibration(), 0);
        return new QualityData(List.copyOf(history), List.copyOf(test), List.copyOf(calibration));
    }

    /** The record the trainer would read from the features topic for this event. */
    static RawRecord raw(DemoEvent e) {
        return new RawRecord(e.features(), context(e), Map.of(), e.eventTime());
    }

    static List<RawRecord> raw(List<DemoEvent> events) {
        List<RawRecord> out = new ArrayList<>(events.size());
        events.forEach(e -> out.add(raw(e)));
        return out;
    }

    static Map<String, String> context(DemoEvent e) {
        return Map.of(PaymentsModel.ENTITY_TYPE, e.entityType(), PaymentsModel.REGION, e.region());
    }

    /** Truth as 0/1 (1 = injected anomaly). */
    static int[] labels(List<DemoEvent> events) {
        int[] y = new int[events.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = events.get(i).isAnomaly() ? 1 : 0;
        }
        return y;
    }
}
