package io.normalcy.trainer.report;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {
    static ReportData sample() {
        Random rnd = new Random(1);
        double[] dens = new double[2000];
        for (int i = 0; i < dens.length; i++) {
            dens[i] = -3 + rnd.nextGaussian();
        }
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("seed", "42");
        prov.put("data window", "2024-01-01T00:00:00Z .. 2024-01-02T00:00:00Z");
        return new ReportData("payments<x>", 3, 1_700_000_000_000L,
                List.of(new ReportData.EpochPoint(1, 5.0, 5.2), new ReportData.EpochPoint(2, 4.0, 4.1),
                        new ReportData.EpochPoint(3, 3.5, 3.6)),
                dens,
                List.of(new ReportData.Level(0.01, "WARNING", -5.4, 2000, List.of(
                                new ReportData.ContextRow("region=eu", -5.1, 900, false),
                                new ReportData.ContextRow("region=apac", -5.4, 12, true),
                                new ReportData.ContextRow("entityType=grocery,region=eu", -5.2, 640, false))),
                        new ReportData.Level(0.001, "CRITICAL", -6.3, 2000, List.of())),
                prov, Map.of("MISSING_FEATURE", 7L), Map.of("amount", -1.2, "count", -0.8), List.of());
    }

    @Test
    void containsEverySectionAndEscapesNames() {
        String html = ReportWriter.render(sample());
        for (String id : List.of("curves", "density", "thresholds", "features", "data", "provenance")) {
            assertTrue(html.contains("<h2 id='" + id + "'>"), id);
        }
        assertTrue(html.contains("payments&lt;x&gt;"));
        assertFalse(html.contains("payments<x>"));
        assertTrue(html.contains("<polyline"), "training curves drawn");
        assertTrue(html.contains("<rect x="), "histogram bars drawn");
        assertTrue(html.contains("WARNING 0.01 = -5.4000"), "threshold marker labelled");
        assertTrue(html.contains("region=apac") && html.contains("too few samples"), "fallback row explained");
        assertTrue(html.contains("<td class='l'>entityType=grocery,region=eu</td><td>-5.2000</td><td>640</td>"),
                "combination row");
        assertTrue(html.contains("MISSING_FEATURE"));
        assertTrue(html.contains("2024-01-01T00:00:00Z"));
        assertFalse(html.contains("<script"), "self-contained, no scripts");
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"),
                "no external resources");
    }

    @Test
    void flowAutoCandidatesAreATableWithTheChosenOneMarked() {
        ReportData s = sample();
        ReportData d = new ReportData(s.model(), s.version(), s.createdAt(), s.curve(), s.heldOutLogDensity(),
                s.levels(), s.provenance(), s.skipped(), s.typical(), List.of(
                new ReportData.Candidate("MAF_MOG 3×[32, 32]", true, 1.2345, 12, 4_000, true, ""),
                new ReportData.Candidate("MAF 3×[32, 32]", true, 2.5, 12, 3_000, false, ""),
                new ReportData.Candidate("REALNVP 3×[32, 32]", false, null, 0, 0, false, "budget spent")));
        String html = ReportWriter.render(d);
        String table = html.substring(html.indexOf("<h2 id='auto'>"), html.indexOf("<h2 id='provenance'>"));
        assertTrue(table.contains("MAF_MOG 3×[32, 32]</td><td>1.2345</td><td>12</td>"), table);
        assertTrue(table.contains(">chosen<"), table);
        assertTrue(table.contains("not trained: budget spent"), table);
        assertEquals(4, table.split("<tr>").length - 1, "a header and one row per candidate: " + table);
    }

    @Test
    void flowAutoShowsTheRungACandidateStoppedAtAndTheBudgetWarning() {
        ReportData s = sample();
        Map<String, String> prov = new LinkedHashMap<>(s.provenance());
        prov.put("config autoWarning", "flow auto: the budget PT1M is below the about 452 s (PT7M32S) the plan needs");
        ReportData d = new ReportData(s.model(), s.version(), s.createdAt(), s.curve(), s.heldOutLogDensity(),
                s.levels(), prov, s.skipped(), s.typical(), List.of(
                new ReportData.Candidate("MAF_MOG K=3 3×[32, 32]", true, 1.2345, 40, 4_000, true, ""),
                new ReportData.Candidate("MAF 3×[32, 32]", true, 2.5, 12, 3_000, false,
                        "dropped at rung 0 (12 epochs)")));
        String html = ReportWriter.render(d);
        String table = html.substring(html.indexOf("<h2 id='auto'>"), html.indexOf("<h2 id='provenance'>"));
        assertTrue(table.contains("<td class='l'>dropped at rung 0 (12 epochs)</td>"), table);
        assertTrue(table.contains("<p class='warn'>flow auto: the budget PT1M is below"), table);
        assertTrue(table.contains("successive halving at equal epochs"), table);
    }

    /**
     * A pooled combination's row shows the interval of its stored threshold, which contexts it is pooled with and
     * with what weight, and, resting on few held-out exceedances, the rate band to expect.
     */
    @Test
    void thresholdRowsShowTheirIntervalPoolingAndTheRateBandWhereFewExceedances() {
        ReportData s = sample();
        ReportData d = new ReportData(s.model(), s.version(), s.createdAt(), s.curve(), s.heldOutLogDensity(),
                s.levels(), s.provenance(), s.skipped(), s.typical(), List.of(), List.of(), List.of(
                new ReportData.Band("global", 0.01, -5.6, -5.2, 0.8, 1.25, 20, 1, null, null),
                new ReportData.Band("entityType=grocery,region=eu", 0.01, -5.5, -4.9, 0.52, 2.1, 6.4, 0.24,
                        "entityType=grocery", "entityType=grocery,region=eu @0.01: rate expected within ×0.5–2.1")));
        String html = ReportWriter.render(d);
        String section = html.substring(html.indexOf("<h2 id='thresholds'>"), html.indexOf("<h2 id='features'>"));
        assertTrue(section.contains("<td class='l'>global</td><td>-5.4000</td><td>2000</td><td>-5.6000 … -5.2000</td>"
                + "<td>×0.80–1.25</td><td class='l'></td>"), section);
        assertTrue(section.contains("<td class='l'>entityType=grocery,region=eu</td><td>-5.2000</td><td>640</td>"
                + "<td>-5.5000 … -4.9000</td><td>×0.52–2.10</td><td class='l warn'>tail offset pooled with"
                + " entityType=grocery&#39;s, own weight 0.24; few held-out exceedances (6.4 expected below): rate"
                + " expected within ×0.5–2.1 of the level; more history narrows it</td>"), section);
        assertTrue(section.contains("bootstrap of the threshold as stored"), section);
        assertTrue(section.contains("too few samples: global threshold used"), "fallback rows keep their note");
    }

    /** Flow auto: every candidate's validation curve is drawn on its own, labelled, however the epochs interleaved. */
    @Test
    void flowAutoDrawsOneValidationCurvePerCandidate() {
        ReportData s = sample();
        List<ReportData.CandidatePoint> interleaved = List.of(
                new ReportData.CandidatePoint("MAF_MOG K=3 3×[32, 32]", 1, 3.0),
                new ReportData.CandidatePoint("MAF_MOG K=3 3×[32, 32]", 2, 2.5),
                new ReportData.CandidatePoint("MAF 3×[32, 32]", 1, 3.2),
                new ReportData.CandidatePoint("MAF 3×[32, 32]", 2, 2.9),
                new ReportData.CandidatePoint("MAF_MOG K=3 3×[32, 32]", 3, 2.2),
                new ReportData.CandidatePoint("MAF_MOG K=3 3×[32, 32]", 4, 2.1));
        ReportData d = new ReportData(s.model(), s.version(), s.createdAt(), s.curve(), s.heldOutLogDensity(),
                s.levels(), s.provenance(), s.skipped(), s.typical(), List.of(
                new ReportData.Candidate("MAF_MOG K=3 3×[32, 32]", true, 2.1, 4, 4_000, true, ""),
                new ReportData.Candidate("MAF 3×[32, 32]", true, 2.9, 2, 3_000, false, "dropped at rung 0 (2 epochs)")),
                interleaved, List.of());
        String html = ReportWriter.render(d);
        String auto = html.substring(html.indexOf("<h2 id='auto'>"), html.indexOf("<h2 id='provenance'>"));
        assertEquals(2, auto.split("<polyline").length - 1, "one line per candidate: " + auto);
        assertTrue(auto.contains("&#9644; MAF_MOG K=3 3×[32, 32]</text>") && auto.contains("&#9644; MAF 3×[32, 32]</text>"),
                auto);
        String first = auto.substring(auto.indexOf("<polyline"), auto.indexOf("/>", auto.indexOf("<polyline")));
        assertEquals(4, first.split("points='")[1].split("'")[0].trim().split(" ").length, "the chosen one's 4 epochs: " + first);
        assertTrue(html.contains("Flow auto: the chosen candidate's curve"), "the training curves say whose");
    }

    @Test
    void emptyCurveAndNoDataStillRender() {
        ReportData d = new ReportData("m", 1, 0, List.of(), new double[0], List.of(), Map.of(), Map.of(), Map.of(),
                List.of());
        String html = ReportWriter.render(d);
        assertTrue(html.contains("No training curve recorded"));
        assertFalse(html.contains("id='auto'"), "no candidates section when the flow type was given");
        assertTrue(html.endsWith("</html>\n"));
    }
}
