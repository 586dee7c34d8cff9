package io.normalcy.trainer.report;

import java.util.List;
import java.util.Map;

/**
 * Everything a training report shows, in plain Java types (no Avro, no ND4J), so the report can be rendered
 * from a model file plus the training result written by a child JVM.
 *
 * @param curve            per-epoch mean NLL (nats/event) on the training and validation splits
 * @param heldOutLogDensity log p(x|c) of the calibration rows (the data the thresholds come from)
 * @param levels           calibrated thresholds, least severe first
 * @param provenance       label → value, shown in this order
 * @param skipped          reason → number of input records skipped
 * @param typical          feature → median held-out per-feature log-density term
 * @param candidates       what {@code flow-type: auto} tried (empty when the flow type was given)
 * @param candidateCurves  every flow auto candidate's validation NLL per epoch (empty without flow auto)
 * @param bands            the stored thresholds' bootstrap intervals (empty when not recorded)
 */
public record ReportData(String model, long version, long createdAt, List<EpochPoint> curve,
                         double[] heldOutLogDensity, List<Level> levels, Map<String, String> provenance,
                         Map<String, Long> skipped, Map<String, Double> typical, List<Candidate> candidates,
                         List<CandidatePoint> candidateCurves, List<Band> bands) {

    public ReportData {
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
        candidateCurves = candidateCurves == null ? List.of() : List.copyOf(candidateCurves);
        bands = bands == null ? List.of() : List.copyOf(bands);
    }

    /** Without candidate curves and threshold bands. */
    public ReportData(String model, long version, long createdAt, List<EpochPoint> curve, double[] heldOutLogDensity,
                      List<Level> levels, Map<String, String> provenance, Map<String, Long> skipped,
                      Map<String, Double> typical, List<Candidate> candidates) {
        this(model, version, createdAt, curve, heldOutLogDensity, levels, provenance, skipped, typical, candidates,
                List.of(), List.of());
    }

    /** One epoch (1-based) of a flow auto candidate, by its label. */
    public record CandidatePoint(String candidate, int epoch, double validationNll) {
    }

    /**
     * A stored threshold's 95 % bootstrap interval and the alert-rate band (÷ level) it implies; {@code pooledWith}
     * the scope its tail offset is pooled over with own weight {@code ownWeight} (null: its own); {@code note} set
     * when it rests on few held-out exceedances.
     */
    public record Band(String scope, double level, double low, double high, double rateRatioLow,
                       double rateRatioHigh, double expectedBelow, double ownWeight, String pooledWith, String note) {
    }

    /** A family and size flow auto tried; {@code validationNll} null when not trained ({@code note} says why). */
    public record Candidate(String label, boolean trained, Double validationNll, int epochs, long millis,
                            boolean chosen, String note) {
    }

    public record EpochPoint(int epoch, double trainNll, double validationNll) {
    }

    public record Level(double level, String severity, double global, long globalCount, List<ContextRow> perContext) {
    }

    /**
     * One per-context threshold: {@code scope} is {@code field=value}, or {@code field=value,field=value} for a
     * combination of all categorical fields (model format 5; the detector tries it before the single fields).
     */
    public record ContextRow(String scope, double threshold, long count, boolean fallback) {
    }
}
