package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.train.TrainingEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Flow auto selection: the candidates, and real fits where one family is clearly better (a well-separated bimodal
 * first feature, which a Gaussian-base MAF with natural ordering cannot fit). The successive-halving policy itself
 * is {@link SuccessiveHalvingTest} (fake clock and trainer).
 */
class AutoSelectionTest {

    private static FitConfig sizeFree(Duration budget) {
        return FitConfig.builder().autoSelect(budget).build();
    }

    @Test
    void candidatesAreTheThreeFamiliesAnotherMixtureSizeThenASmallerDefaultFamily() {
        FitConfig requested = sizeFree(Duration.ofMinutes(1));
        List<FitConfig> c = new AutoSelection(requested, requested.sizedFor(30_000, 16, 0), System::nanoTime)
                .candidates();
        assertEquals(List.of(FlowType.MAF_MOG, FlowType.MAF, FlowType.REALNVP, FlowType.MAF_MOG, FlowType.MAF_MOG),
                c.stream().map(FitConfig::flowType).toList());
        assertEquals(List.of(3, 0, 0, AutoSelection.ALTERNATIVE_COMPONENTS, 3),
                c.stream().map(FitConfig::components).toList(), "K is searched for MAF_MOG");
        assertEquals(List.of(4, 4, 4, 4, 3), c.stream().map(FitConfig::blocks).toList());
        assertTrue(c.get(2).luLinear(), "REALNVP keeps its LU default");
        assertFalse(c.get(0).luLinear());
        assertTrue(c.stream().noneMatch(FitConfig::autoSelect));
        assertEquals("MAF_MOG K=8 4×[64, 64]", AutoCandidate.label(c.get(3)));

        FitConfig fixedSize = FitConfig.builder().autoSelect(Duration.ofMinutes(1)).blocks(2).build();
        assertEquals(4, new AutoSelection(fixedSize, fixedSize.sizedFor(30_000, 16, 0), System::nanoTime)
                .candidates().size(), "sizes the user set are not varied");
        FitConfig fixedK = FitConfig.builder().autoSelect(Duration.ofMinutes(1)).components(5).build();
        List<FitConfig> k = new AutoSelection(fixedK, fixedK.sizedFor(30_000, 16, 0), System::nanoTime).candidates();
        assertEquals(List.of(5, 0, 0, 5), k.stream().map(FitConfig::components).toList(),
                "a K the user set is not varied");
    }

    /** x0: two well-separated modes (±3, sd 0.3) → a Gaussian-base MAF with natural ordering cannot fit it. */
    private static List<RawRecord> bimodal(int n, long seed) {
        Random rng = new Random(seed);
        List<RawRecord> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x0 = (rng.nextBoolean() ? 3 : -3) + 0.3 * rng.nextGaussian();
            double x1 = 0.5 * x0 + rng.nextGaussian();
            rows.add(new RawRecord(Map.of("x0", x0, "x1", x1), Map.of(), Map.of(), 0));
        }
        return rows;
    }

    private static FitConfig.Builder small() {
        return FitConfig.builder().features(List.of("x0", "x1")).blocks(2).hidden(16, 16).epochs(10).patience(10)
                .batchSize(64).learningRate(5e-3).seed(3)
                .levels(List.of(new AlertLevel(0.05, Severity.WARNING)));
    }

    /**
     * 4 candidates (sizes fixed, K free), 10 epochs: rungs at 2 and 4 epochs, then the winner to 10. On the old
     * policy every candidate trained to its own end (10 epochs each) and the MAF_MOG with K = 8 did not exist.
     */
    @Test
    void anAutoFitComparesAtEqualEpochsAndTrainsOnlyTheWinnerOn() {
        FitResult r = new ModelFitter().fit("auto", 1, bimodal(1_500, 1), small().engine(TrainingEngine.MANUAL)
                .autoSelect(Duration.ofMinutes(30)).build(), null);
        List<AutoCandidate> c = r.autoCandidates();
        assertEquals(List.of(FlowType.MAF_MOG, FlowType.MAF, FlowType.REALNVP, FlowType.MAF_MOG),
                c.stream().map(AutoCandidate::flowType).toList());
        assertTrue(c.stream().allMatch(AutoCandidate::trained));
        AutoCandidate chosen = c.stream().filter(AutoCandidate::chosen).findFirst().orElseThrow();
        assertEquals(1, c.stream().filter(AutoCandidate::chosen).count());
        assertEquals(10, chosen.epochs(), "the winner trains on to its end");
        List<AutoCandidate> dropped = c.stream().filter(a -> !a.chosen()).toList();
        assertEquals(List.of(2, 2, 4), dropped.stream().map(AutoCandidate::epochs).sorted().toList(),
                "two stop at rung 0 (2 epochs), one at rung 1 (4 epochs): " + AutoSelection.describe(c));
        for (AutoCandidate a : dropped) {
            assertEquals(a.epochs() == 2 ? 0 : 1, a.droppedAtRung(), a.label());
            assertTrue(a.note().startsWith("dropped at rung " + a.droppedAtRung()), a.note());
        }
        // the last rung's survivors: the chosen one and the one dropped there; the chosen has the lowest NLL
        AutoCandidate lastRung = dropped.stream().filter(a -> a.droppedAtRung() == 1).findFirst().orElseThrow();
        assertTrue(chosen.validationNll() < lastRung.validationNll(), AutoSelection.describe(c));
        assertTrue(c.stream().allMatch(a -> chosen.validationNll() <= a.validationNll()), AutoSelection.describe(c));
        assertEquals(chosen.flowType(), r.model().spec().type());
        assertEquals(chosen.components(), r.model().spec().components());
        assertEquals(chosen.validationNll(), r.metrics().bestValidationNll(), 1e-12);
        assertEquals(10, r.history().size(), "the history is the chosen candidate's, all rungs");
        assertNotEquals(FlowType.MAF, chosen.flowType());

        Map<String, String> prov = r.model().provenance().config();
        assertEquals(chosen.flowType().name(), prov.get("flowType"));
        assertTrue(prov.get("flowChoice").startsWith("auto (budget PT30M): successive halving at equal epochs"),
                prov.get("flowChoice"));
        for (AutoCandidate a : c) {
            assertTrue(prov.get("autoCandidates").contains(a.label() + (a.chosen() ? " [chosen]" : "")
                    + ": validation NLL"), prov.get("autoCandidates"));
        }
        assertTrue(prov.get("autoCandidates").contains("dropped at rung 1 (4 epochs)"), prov.get("autoCandidates"));
        assertFalse(prov.containsKey("autoWarning"), "30 minutes are enough: " + prov.get("autoWarning"));
    }

    @Test
    void aZeroBudgetTrainsOnlyTheFirstCandidateAndWarns() {
        FitResult r = new ModelFitter().fit("auto0", 1, bimodal(500, 2), small()
                .autoSelect(Duration.ZERO).build(), null);
        List<AutoCandidate> c = r.autoCandidates();
        assertEquals(4, c.size());
        assertTrue(c.get(0).trained() && c.get(0).chosen());
        assertEquals(1, c.get(0).epochs(), "the time limit stops the first candidate after one epoch");
        assertTrue(c.subList(1, 4).stream().noneMatch(AutoCandidate::trained));
        assertTrue(c.subList(1, 4).stream().allMatch(a -> a.note().equals("budget spent")));
        assertEquals(FlowType.MAF_MOG, r.model().spec().type());
        String warning = r.model().provenance().config().get("autoWarning");
        assertTrue(warning != null && warning.startsWith("flow auto: the budget PT0S is too small for one rung of"
                + " all 4 candidates (2 epochs each; 3 not compared"), warning);
    }

    @Test
    void withoutAutoSelectionThereAreNoCandidates() {
        FitResult r = new ModelFitter().fit("plain", 1, bimodal(300, 4), small().epochs(1).build(), null);
        assertTrue(r.autoCandidates().isEmpty());
        assertFalse(r.model().provenance().config().containsKey("autoCandidates"));
    }
}
