package io.normalcy.bench.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.bench.reliability.DerivedParity.Coord;
import io.normalcy.bench.reliability.DerivedParity.Input;
import io.normalcy.bench.reliability.DerivedParity.Observed;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.state.ModelStateMapper;
import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The derived-feature kill case's comparison fed with synthetic scores: scores of the uninterrupted derivation
 * pass; the scores a detector would commit had it lost its entity histories in a crash (started them afresh), or
 * replayed a record into the history twice, must fail; so must a missing or a duplicated score. If this check were
 * blind, the case's "0 mismatched" would mean nothing.
 */
class DerivedParityTest {
    private static final NormalcyModel MODEL = model();
    private static final Traffic TRAFFIC = Traffic.of("t", CaseContext.MODEL).withEntities(4).withLateEvents(1_500);

    private static NormalcyModel model() {
        try {
            return ModelStateMapper.fromState(new ChaosModels(1).signedDerived(CaseContext.MODEL, 1));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Input> inputs(int n) {
        Random rng = new Random(3);
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Input(new Coord(i % 2, i / 2), TRAFFIC.event(i, rng)));
        }
        return out;
    }

    private static ScoredEvent scored(Coord at, Score s) {
        List<Float> terms = new ArrayList<>();
        for (double c : s.contributions()) {
            terms.add((float) c);
        }
        return ScoredEvent.newBuilder().setEntity("e").setEventTime(Instant.EPOCH).setModel(CaseContext.MODEL)
                .setModelVersion(1).setSourceTopic("in").setSourcePartition(at.partition()).setSourceOffset(at.offset())
                .setLogDensity(s.logDensity()).setThreshold(0).setQuantileLevel(0.01).setSeverity(Severity.NORMAL)
                .setScoredAt(Instant.EPOCH).setContributionTerms(terms).build();
    }

    /**
     * What a detector commits when it derives as the shared code does, except that from input {@code crashAt} on it
     * starts every history afresh ({@code reset}) or, at input {@code crashAt}, appends the record twice.
     */
    private static DerivedParity detector(List<Input> inputs, int crashAt, boolean reset) {
        DerivedParity p = new DerivedParity();
        DerivedFeatures spec = MODEL.derived();
        Scorer scorer = MODEL.newScorer();
        Map<String, EntityHistory> h = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (i == crashAt && reset) {
                h.clear();
            }
            FeatureVector fv = inputs.get(i).vector();
            long t = fv.getEventTime().toEpochMilli();
            DerivedFeatures.Derivation d = spec.derive(h.get(fv.getEntity()), t, fv.getFeatures());
            if (i == crashAt && !reset) {
                d = spec.derive(d.next(), t, fv.getFeatures()); // replayed into the history a second time
            }
            Map<String, Double> f = new LinkedHashMap<>(fv.getFeatures());
            f.putAll(d.values());
            p.observe(scored(inputs.get(i).at(), scorer.score(f, Map.of(), Map.of(), t)));
            h.put(fv.getEntity(), d.next());
        }
        return p;
    }

    @Test
    void theUninterruptedDerivationMatchesItself() {
        List<Input> in = inputs(400);
        DerivedParity.Result r = DerivedParity.compare(MODEL, in, detector(in, -1, false).observed());
        assertTrue(r.clean(), r.describe());
        assertEquals(400, r.compared());
        assertEquals(0.0, r.maxDelta());
    }

    @Test
    void historiesStartedAfreshAfterACrashAreCaught() {
        List<Input> in = inputs(400);
        DerivedParity.Result r = DerivedParity.compare(MODEL, in, detector(in, 200, true).observed());
        assertFalse(r.clean(), r.describe());
        assertTrue(r.mismatched() >= 4, "every entity's next events differ: " + r.describe());
        assertNotNull(r.firstMismatch());
        assertTrue(r.firstMismatch().contains("offset 100"), r.firstMismatch());
    }

    @Test
    void aRecordAppendedToItsHistoryTwiceIsCaught() {
        List<Input> in = inputs(400);
        DerivedParity.Result r = DerivedParity.compare(MODEL, in, detector(in, 201, false).observed());
        assertFalse(r.clean(), r.describe());
        assertTrue(r.mismatched() >= 1, r.describe());
    }

    @Test
    void aMissingAndADuplicatedScoreAreCounted() {
        List<Input> in = inputs(40);
        DerivedParity p = detector(in, -1, false);
        Map<Coord, List<Observed>> seen = new HashMap<>(p.observed());
        seen.remove(new Coord(0, 3));
        List<Observed> twice = new ArrayList<>(seen.get(new Coord(1, 4)));
        twice.add(twice.get(0));
        seen.put(new Coord(1, 4), twice);
        DerivedParity.Result r = DerivedParity.compare(MODEL, in, seen);
        assertEquals(1, r.unscored());
        assertEquals(1, r.scoredTwice());
        assertEquals(38, r.compared());
        assertFalse(r.clean());
    }
}
