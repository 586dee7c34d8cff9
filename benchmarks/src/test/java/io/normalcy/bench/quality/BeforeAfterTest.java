package io.normalcy.bench.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.demo.DemoEvent;
import io.normalcy.demo.DemoGenerator;
import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.SizeRule;
import io.normalcy.flow.model.FlowType;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's before/after comparison in the quality harness: the "before" flow is the old default (MAF, fixed
 * 3 × [64, 64]), the "after" flow is today's default (MAF_MOG with no size set, so {@link SizeRule} sizes it), and
 * the NLL gap is measured against the generator's exact density on clean test events only. No training here:
 * configurations and the gap's arithmetic, in milliseconds.
 */
class BeforeAfterTest {
    private static final QualityOptions DEFAULTS = QualityOptions.parse();

    @Test
    void oldDefaultIsTheFixedMafTheHarnessAlwaysRan() {
        FitConfig c = FlowMethod.config(FlowMethod.Variant.OLD_DEFAULT, DEFAULTS);
        assertEquals(FlowType.MAF, c.flowType());
        assertEquals(3, c.blocks());
        assertArrayEquals(new int[] {64, 64}, c.hidden());
        assertEquals(QualityOptions.EPOCHS, c.epochs());
        assertEquals(512, c.batchSize());
        assertEquals(3, c.patience());
        // fixed: what the data size would choose does not leak into "before" (weight decay included)
        FitConfig sized = c.sizedFor(40_000, 6, 11);
        assertEquals(1e-5, sized.weightDecay());
        assertEquals(3, sized.blocks());
        assertEquals(FlowMethod.Variant.OLD_DEFAULT.label, new FlowMethod(FlowMethod.Variant.OLD_DEFAULT, DEFAULTS)
                .name());
    }

    @Test
    void defaultIsMafMogSizedByTheRuleWhenNoEpochsAreGiven() {
        FitConfig c = FlowMethod.config(FlowMethod.Variant.DEFAULT, DEFAULTS);
        assertEquals(FlowType.MAF_MOG, c.flowType());
        assertTrue(c.sizeToData());
        assertEquals(Set.of(), c.explicitSizes(), "the default flow sets no size: the rule chooses all of them");
        assertEquals(FitConfig.builder().build().batchSize(), c.batchSize(), "batch size is the product default");
        assertEquals(FitConfig.builder().build().learningRate(), c.learningRate());
        // the model definition is the demo's, as for the old default
        FitConfig old = FlowMethod.config(FlowMethod.Variant.OLD_DEFAULT, DEFAULTS);
        assertEquals(old.features(), c.features());
        assertEquals(old.log1pFeatures(), c.log1pFeatures());
        assertEquals(old.integerFeatures(), c.integerFeatures());
        assertEquals(old.categoricalContext(), c.categoricalContext());
        assertEquals(old.cyclicContext(), c.cyclicContext());
        assertEquals(old.minContextSamples(), c.minContextSamples());
        assertEquals(old.trainFraction(), c.trainFraction());
        assertEquals(old.validationFraction(), c.validationFraction());
        assertEquals(old.seed(), c.seed());
        SizeRule.Sizing rule = SizeRule.forRows(40_000, c.trainFraction(), 6, 9);
        FitConfig sized = c.sizedFor(40_000, 6, 11);
        assertEquals(rule.epochs(), sized.epochs());
        assertEquals(rule.size().blocks(), sized.blocks());
        assertEquals(rule.patience(), sized.patience());
    }

    @Test
    void explicitEpochsCapTheDefaultFlowToo() {
        QualityOptions quick = QualityOptions.parse("--quick");
        assertFalse(quick.epochsGiven(), "--quick's epochs are the fixed flows' only");
        assertEquals(Set.of(), FlowMethod.config(FlowMethod.Variant.DEFAULT, quick).explicitSizes());
        QualityOptions given = QualityOptions.parse("--epochs", "4");
        assertTrue(given.epochsGiven());
        FitConfig c = FlowMethod.config(FlowMethod.Variant.DEFAULT, given);
        assertEquals(Set.of(FitConfig.Sized.EPOCHS), c.explicitSizes());
        assertEquals(4, c.sizedFor(40_000, 6, 11).epochs());
    }

    @Test
    void nllGapIsTheMeanExcessNegativeLogDensityOverCleanEventsOnly() {
        DemoGenerator g = new DemoGenerator(3, QualityData.START, 60_000, "t");
        List<DemoEvent> test = g.next(400, 0.05);
        assertTrue(test.stream().anyMatch(DemoEvent::isAnomaly));
        double[] exact = test.stream().mapToDouble(Detection::trueScore).toArray();
        assertEquals(0.0, Detection.nllGap(exact, test), 1e-12);
        double[] worse = exact.clone();
        for (int i = 0; i < worse.length; i++) {
            // 0.25 nats worse on every clean event; anomalies made wildly worse must not count
            worse[i] += test.get(i).isAnomaly() ? 1_000 : 0.25;
        }
        assertEquals(0.25, Detection.nllGap(worse, test), 1e-9);
    }

    @Test
    void detectionRowsCarryTheGapForDensitiesOnly() {
        DemoGenerator g = new DemoGenerator(5, QualityData.START, 60_000, "t");
        List<DemoEvent> test = g.next(600, 0.05);
        double[] exact = test.stream().mapToDouble(Detection::trueScore).toArray();
        double[] shifted = exact.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 0.5;
        }
        boolean[] none = new boolean[test.size()];
        MethodScores flow = new MethodScores("flow", "features given context", "-", shifted, none, none, 0, true);
        MethodScores peer = new MethodScores("peer", "features", "-", shifted, none, none, 0);
        List<Detection.Row> rows = Detection.rows(List.of(flow, peer), test);
        rows.stream().filter(r -> r.method().equals("flow")).forEach(r -> assertEquals(0.5, r.nllGap(), 1e-9));
        rows.stream().filter(r -> r.method().equals("peer")).forEach(r -> assertTrue(Double.isNaN(r.nllGap())));
        String table = Report.detectionTable(rows, Detection.ALL);
        assertTrue(table.contains("| flow | features given context | 0.500 |"), table);
        assertTrue(table.contains("| peer | features | – |"), table);
    }
}
