package io.normalcy.trainer.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.normalcy.flow.fit.ModelFitter;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Severity;
import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.config.Parameters;
import io.normalcy.trainer.job.FitConfigs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's done-when: entities live at different levels (10, 20, ..., 80). Entity e0 jumping from 10 to 50 is
 * normal in absolute value (e4 lives there) but abnormal for e0's recent history: a model on the raw value alone
 * lets it pass, the same data with derived features ({@code x.mean_5}, {@code x.diff}) flags it.
 */
class LevelShiftTest {
    private static final long T0 = 1_700_000_000_000L;

    private static ModelDefinition def(String derived) {
        Map<String, String> m = new HashMap<>(Map.of("features", "x", "flow-type", "MAF", "blocks", "2", "hidden",
                "16,16", "epochs", "25", "batch-size", "128", "seed", "3"));
        if (!derived.isEmpty()) {
            m.put("derived", derived);
        }
        return Parameters.apply(ModelDefinition.defaults("levels"), m, "");
    }

    /** The trainer's history path: 8 entities, interleaved, in read order. */
    private static List<RawRecord> history(ModelDefinition def) {
        HistoryCollector c = new HistoryCollector(def, 100_000);
        Random rng = new Random(5);
        for (int i = 0; i < 2400; i++) {
            int e = i % 8;
            c.offer(new RawRecord(Map.of("x", 10.0 * (e + 1) + rng.nextGaussian()), Map.of(), Map.of(),
                    T0 + i * 1000L), "e" + e, "row " + i);
        }
        return c.rows();
    }

    private static Severity severityOfTheShift(String derived) {
        ModelDefinition def = def(derived);
        NormalcyModel model = new ModelFitter().fit("levels", 1, history(def), FitConfigs.from(def), null).model()
                .withDerived(def.derivedFeatures());
        DerivedFeatures spec = model.derived();
        EntityHistory h = null;
        Random rng = new Random(8);
        Map<String, Double> shifted = null;
        for (int i = 0; i <= 10; i++) { // e0's recent history around 10, then 50
            Map<String, Double> f = new HashMap<>(Map.of("x", i < 10 ? 10 + rng.nextGaussian() : 50.0));
            if (!spec.isEmpty()) {
                DerivedFeatures.Derivation d = spec.derive(h, T0 + i * 8000L, f);
                h = d.next();
                f.putAll(d.values());
            }
            shifted = f;
        }
        double ld = model.newScorer().score(shifted, Map.of(), Map.of(), T0).logDensity();
        return model.thresholds().evaluate(ld, Map.of()).severity();
    }

    @Test
    void aShiftNormalInValueButNotForTheEntityIsCaughtOnlyWithDerivedFeatures() {
        assertEquals(Severity.NORMAL, severityOfTheShift(""), "50 is an ordinary value among all entities");
        assertNotEquals(Severity.NORMAL, severityOfTheShift("x.mean_5,x.diff"), "but not after e0's 10s");
    }
}
