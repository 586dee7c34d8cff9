package io.normalcy.bench.quality;

import io.normalcy.demo.AnomalyKind;
import io.normalcy.demo.DemoEvent;
import io.normalcy.demo.EntityProfile;
import io.normalcy.demo.PaymentsModel;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Detection quality per method, overall and per anomaly kind. A kind is scored one-vs-clean: its anomalies against
 * every clean test event, the other kinds left out, so an AUROC of 0.5 on {@code wrong-context} means the method
 * cannot tell those events from normal traffic at all, whatever it does on spikes.
 */
final class Detection {
    /** Label of the all-kinds subset. */
    static final String ALL = "all";

    /**
     * One method on one subset of the test stream.
     *
     * @param kind        {@value #ALL} or an {@link AnomalyKind#label()}
     * @param recallCrit  share of the subset's anomalies alerted at the critical (0.001) level
     * @param fprCrit     share of clean test events alerted at the critical level (the same for every kind)
     * @param nllGap      the method's {@link #nllGap} (the same for every kind), NaN when it is no density
     */
    record Row(String method, String inputs, String kind, int anomalies, int clean, double auroc, double auprc,
               double recallCrit, double fprCrit, double recallWarn, double fprWarn, double nllGap) {
    }

    private Detection() {
    }

    static List<String> subsets() {
        List<String> s = new ArrayList<>(List.of(ALL));
        for (AnomalyKind k : AnomalyKind.values()) {
            s.add(k.label());
        }
        return s;
    }

    /** Whether test event {@code e} belongs to {@code subset} (clean events belong to every subset). */
    static boolean inSubset(DemoEvent e, String subset) {
        return !e.isAnomaly() || subset.equals(ALL) || e.anomaly().label().equals(subset);
    }

    static List<Row> rows(List<MethodScores> methods, List<DemoEvent> test) {
        List<Row> out = new ArrayList<>();
        for (MethodScores m : methods) {
            double gap = m.density() ? nllGap(m.score(), test) : Double.NaN;
            for (String subset : subsets()) {
                out.add(row(m, test, subset, gap));
            }
        }
        return out;
    }

    /**
     * Mean −log p_model − (−log p_true) over the clean test events, in nats per event: the expected KL divergence
     * from the generator's conditional density to the model's, estimated on events no model trained on. Zero for
     * a perfect model; it says how much density the model misplaces, whatever its thresholds do with it.
     *
     * @param negLogDensity −log p(x | c) of each test event under the model (a density method's score)
     */
    static double nllGap(double[] negLogDensity, List<DemoEvent> test) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < test.size(); i++) {
            DemoEvent e = test.get(i);
            if (!e.isAnomaly()) {
                sum += negLogDensity[i] - trueScore(e);
                n++;
            }
        }
        return sum / n;
    }

    private static Row row(MethodScores m, List<DemoEvent> test, String subset, double gap) {
        int n = 0;
        for (DemoEvent e : test) {
            n += inSubset(e, subset) ? 1 : 0;
        }
        int[] y = new int[n];
        double[] s = new double[n];
        int pos = 0;
        int neg = 0;
        int tpC = 0;
        int fpC = 0;
        int tpW = 0;
        int fpW = 0;
        for (int i = 0, k = 0; i < test.size(); i++) {
            DemoEvent e = test.get(i);
            if (!inSubset(e, subset)) {
                continue;
            }
            y[k] = e.isAnomaly() ? 1 : 0;
            s[k++] = m.score()[i];
            if (e.isAnomaly()) {
                pos++;
                tpC += m.critical()[i] ? 1 : 0;
                tpW += m.warning()[i] ? 1 : 0;
            } else {
                neg++;
                fpC += m.critical()[i] ? 1 : 0;
                fpW += m.warning()[i] ? 1 : 0;
            }
        }
        return new Row(m.name(), m.inputs(), subset, pos, neg, Metrics.auroc(y, s), Metrics.averagePrecision(y, s),
                (double) tpC / pos, (double) fpC / neg, (double) tpW / pos, (double) fpW / neg, gap);
    }

    /**
     * The generator's exact log-density given the <em>labelled</em> context, as a reference detector: what a
     * perfect conditional density model would score. Thresholds from the same clean hold-out as the peers.
     */
    static MethodScores truth(List<DemoEvent> history, List<DemoEvent> test) {
        long t0 = System.nanoTime();
        int cut = (int) (history.size() * PeerMethods.TRAIN_SHARE);
        double[] heldOut = history.subList(cut, history.size()).stream().mapToDouble(Detection::trueScore).toArray();
        double[] scores = test.stream().mapToDouble(Detection::trueScore).toArray();
        return MethodScores.withHeldOutQuantiles("exact density", "features given context (the generator's formula)",
                scores, heldOut, (System.nanoTime() - t0) / 1e9, true);
    }

    /** −log p(x | c) of the generator, given the event's labelled context. */
    static double trueScore(DemoEvent e) {
        return -PaymentsModel.logDensity(e.features(), EntityProfile.named(e.entityType()), e.region(),
                e.hourOfDay());
    }

    static void writeCsv(List<Row> rows, Writer w) throws IOException {
        w.write("method,inputs,kind,anomalies,clean,auroc,auprc,recall_critical,fpr_critical,recall_warning,"
                + "fpr_warning,nll_gap_nats\n");
        for (Row r : rows) {
            w.write(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%.4f,%.4f,%.4f,%.5f,%.4f,%.5f,%s%n", r.method(),
                    r.inputs().replace(',', ';'), r.kind(), r.anomalies(), r.clean(), r.auroc(), r.auprc(),
                    r.recallCrit(), r.fprCrit(), r.recallWarn(), r.fprWarn(),
                    Double.isNaN(r.nllGap()) ? "" : String.format(Locale.ROOT, "%.4f", r.nllGap())));
        }
    }
}
