package io.normalcy.bench.series;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.preprocess.ContextSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the series flows are given (without fitting one) and how the worst training row is explained. */
class SeriesFlowTest {
    @Test
    void configIsTheUsersDefaultsPlusFeaturesAndHourOfDay() {
        SeriesOptions o = SeriesOptions.parse();
        var c = SeriesFlow.config(SeriesFlow.Variant.DEFAULT, o);
        assertEquals(FlowType.MAF_MOG, c.flowType());
        assertEquals(List.of("value", "diff", "dev"), c.features());
        assertEquals(List.of(new ContextSpec.CyclicField("hourOfDay", ContextSpec.HOUR_OF_DAY, 24)),
                c.cyclicContext());
        assertEquals(true, c.sizeToData(), "sizes by SizeRule, as a user who sets none gets them");
        assertEquals(true, c.explicitSizes().isEmpty(), "no size set: " + c.explicitSizes());
        assertEquals(FlowType.MAF, SeriesFlow.config(SeriesFlow.Variant.GAUSSIAN, o).flowType());
        assertEquals(7, SeriesFlow.config(SeriesFlow.Variant.DEFAULT, SeriesOptions.parse("--epochs", "7"))
                .epochs());
    }

    @Test
    void worstRowNamesTheFeatureFurthestBelowItsMedianTerm() {
        double[] train = {0, -5, 1};
        double[][] terms = {{0, 0, 0}, {0, -4, 1}, {0, -1, 0}};
        // row 1 is worst; medians 0, 0, 0: diff is 4 below, dev 1 below; points start at ROLLING = 12
        assertEquals("t=13 diff −4.0", SeriesFlow.worstRow(train, terms));
    }

    @Test
    void featuresAreValueDifferenceAndDeviationFromThePreviousTwelve() {
        double[] v = new double[14];
        for (int t = 0; t < v.length; t++) {
            v[t] = t;
        }
        // point 12: mean of 0..11 = 5.5
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {12, 1, 6.5}, SeriesFeatures.at(v, 12),
                1e-12);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SeriesFeatures.at(v, 11));
    }
}
