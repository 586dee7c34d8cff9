package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.train.TrainingDivergedException;
import io.normalcy.flow.train.TrainingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Flow auto selection: the budget bookkeeping with a fake clock and trainer (no ND4J), and real fits where one
 * family is clearly better (a well-separated bimodal first feature, which a Gaussian-base MAF with natural ordering
 * cannot fit).
 */
class AutoSelectionTest {

    private static TrainingResult result(double nll) {
        return new TrainingResult(null, List.of(), nll, 0, 0, false, 10, new int[0]);
    }

    private static FitConfig sizeFree(Duration budget) {
        return FitConfig.builder().autoSelect(budget).build();
    }

    @Test
    void candidatesAreTheThreeFamiliesThenASmallerDefaultFamily() {
        FitConfig requested = sizeFree(Duration.ofMinutes(1));
        List<FitConfig> c = new AutoSelection(requested, requested.sizedFor(30_000, 16, 0), System::nanoTime)
                .candidates();
        assertEquals(List.of(FlowType.MAF_MOG, FlowType.MAF, FlowType.REALNVP, FlowType.MAF_MOG),
                c.stream().map(FitConfig::flowType).toList());
        assertEquals(4, c.get(0).blocks());
        assertEquals(3, c.get(3).blocks());
        assertTrue(c.get(2).luLinear(), "REALNVP keeps its LU default");
        assertFalse(c.get(0).luLinear());
        assertTrue(c.stream().noneMatch(FitConfig::autoSelect));

        FitConfig fixedSize = FitConfig.builder().autoSelect(Duration.ofMinutes(1)).blocks(2).build();
        assertEquals(3, new AutoSelection(fixedSize, fixedSize.sizedFor(30_000, 16, 0), System::nanoTime)
                .candidates().size(), "sizes the user set are not varied");
    }

    @Test
    void keepsTheLowestValidationNllAndSharesTheBudget() {
        AtomicLong now = new AtomicLong(0);
        FitConfig requested = sizeFree(Duration.ofNanos(800));
        List<Duration> limits = new ArrayList<>();
        double[] nll = {3.0, 1.0, 2.0, 1.5};
        AutoSelection.Outcome o = new AutoSelection(requested, requested.sizedFor(30_000, 16, 0), now::get)
                .run((candidate, limit) -> {
                    limits.add(limit);
                    now.addAndGet(100); // each candidate stops early after 100 ns
                    return result(nll[limits.size() - 1]);
                });
        // 800/4, then the unused time passes on: 700/3, 600/2, 500/1
        assertEquals(List.of(Duration.ofNanos(200), Duration.ofNanos(233), Duration.ofNanos(300),
                Duration.ofNanos(500)), limits);
        assertEquals(FlowType.MAF, o.config().flowType());
        assertEquals(1.0, o.trained().bestValNll());
        assertEquals(4, o.candidates().size());
        assertEquals(List.of(false, true, false, false), o.candidates().stream().map(AutoCandidate::chosen).toList());
        assertEquals(3.0, o.candidates().get(0).validationNll());
    }

    @Test
    void stopsStartingCandidatesWhenTheBudgetIsSpentAndSkipsDivergedOnes() {
        AtomicLong now = new AtomicLong(0);
        FitConfig requested = sizeFree(Duration.ofNanos(250));
        List<FlowType> trained = new ArrayList<>();
        AutoSelection.Outcome o = new AutoSelection(requested, requested.sizedFor(30_000, 16, 0), now::get)
                .run((candidate, limit) -> {
                    trained.add(candidate.flowType());
                    now.addAndGet(150);
                    if (candidate.flowType() == FlowType.MAF_MOG) {
                        throw new TrainingDivergedException("boom");
                    }
                    return result(1.0);
                });
        assertEquals(List.of(FlowType.MAF_MOG, FlowType.MAF), trained);
        assertEquals(FlowType.MAF, o.config().flowType());
        List<String> notes = o.candidates().stream().map(AutoCandidate::note).toList();
        assertEquals(List.of("diverged", "", "budget spent", "budget spent"), notes);
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

    @Test
    void anAutoFitKeepsTheBestFamilyAndRecordsEveryCandidate() {
        FitResult r = new ModelFitter().fit("auto", 1, bimodal(1_500, 1), small()
                .autoSelect(Duration.ofMinutes(30)).build(), null);
        List<AutoCandidate> c = r.autoCandidates();
        assertEquals(List.of(FlowType.MAF_MOG, FlowType.MAF, FlowType.REALNVP),
                c.stream().map(AutoCandidate::flowType).toList());
        assertTrue(c.stream().allMatch(AutoCandidate::trained));
        AutoCandidate best = c.stream().min((a, b) -> Double.compare(a.validationNll(), b.validationNll()))
                .orElseThrow();
        assertTrue(best.chosen());
        assertEquals(1, c.stream().filter(AutoCandidate::chosen).count());
        assertEquals(best.flowType(), r.model().spec().type());
        assertEquals(best.validationNll(), r.metrics().bestValidationNll(), 1e-12);
        assertNotEquals(FlowType.MAF, best.flowType());
        double maf = c.get(1).validationNll();
        assertTrue(maf - best.validationNll() > 0.3, "MAF " + maf + " vs best " + best.validationNll());

        Map<String, String> prov = r.model().provenance().config();
        assertEquals(best.flowType().name(), prov.get("flowType"));
        assertTrue(prov.get("flowChoice").startsWith("auto (budget PT30M)"), prov.get("flowChoice"));
        for (AutoCandidate a : c) {
            assertTrue(prov.get("autoCandidates").contains(a.label() + (a.chosen() ? " [chosen]" : "")
                    + ": validation NLL"), prov.get("autoCandidates"));
        }
    }

    @Test
    void aZeroBudgetTrainsOnlyTheFirstCandidate() {
        FitResult r = new ModelFitter().fit("auto0", 1, bimodal(500, 2), small()
                .autoSelect(Duration.ZERO).build(), null);
        List<AutoCandidate> c = r.autoCandidates();
        assertEquals(3, c.size());
        assertTrue(c.get(0).trained() && c.get(0).chosen());
        assertEquals(1, c.get(0).epochs(), "the time limit stops the first candidate after one epoch");
        assertTrue(c.subList(1, 3).stream().noneMatch(AutoCandidate::trained));
        assertTrue(c.subList(1, 3).stream().allMatch(a -> a.note().equals("budget spent")));
        assertEquals(FlowType.MAF_MOG, r.model().spec().type());
    }

    @Test
    void withoutAutoSelectionThereAreNoCandidates() {
        FitResult r = new ModelFitter().fit("plain", 1, bimodal(300, 4), small().epochs(1).build(), null);
        assertTrue(r.autoCandidates().isEmpty());
        assertFalse(r.model().provenance().config().containsKey("autoCandidates"));
    }
}
