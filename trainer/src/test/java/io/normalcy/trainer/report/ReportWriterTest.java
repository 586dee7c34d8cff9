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
