package io.normalcy.trainer.service;

import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.ThresholdSet;
import io.normalcy.trainer.history.History;
import io.normalcy.trainer.job.JobResult;
import io.normalcy.trainer.publish.ModelSummaries;
import io.normalcy.trainer.report.ReportData;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the report's data from the published model, the training result and the history it came from. */
public final class Reports {
    private Reports() {
    }

    public static ReportData from(ModelVersion mv, JobResult result, History h) {
        List<ReportData.EpochPoint> curve = new ArrayList<>();
        for (JobResult.Epoch e : result.curve()) {
            curve.add(new ReportData.EpochPoint(e.epoch(), e.trainNll(), e.validationNll()));
        }
        List<ReportData.Level> levels = new ArrayList<>();
        for (ThresholdSet t : mv.getThresholds()) {
            List<ReportData.ContextRow> rows = new ArrayList<>();
            t.getPerContext().forEach(c -> rows.add(new ReportData.ContextRow(c.getField() + "=" + c.getValue(),
                    c.getThreshold(), c.getCount(), c.getFallback())));
            t.getPerCombination().forEach(c -> rows.add(new ReportData.ContextRow(
                    ModelSummaries.scope(c.getFields(), c.getValues()), c.getThreshold(), c.getCount(),
                    c.getFallback())));
            levels.add(new ReportData.Level(t.getLevel(), t.getSeverity().name(), t.getGlobal(), t.getGlobalCount(), rows));
        }
        var p = mv.getProvenance();
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("model / version", mv.getModel() + " v" + mv.getVersion());
        prov.put("flow", mv.getFlowType() + ", " + mv.getArchitecture().getBlocks() + " blocks, hidden "
                + mv.getArchitecture().getHidden() + ", context dim " + mv.getArchitecture().getContextDim());
        prov.put("features", String.join(", ", mv.getFeatures().stream().map(f -> f.getName()
                + (f.getDequantize() ? " (integer)" : "") + (f.getLog1p() ? " (log1p)" : "")).toList()));
        prov.put("source", h == null ? "" : h.source());
        prov.put("data window", time(p.getDataWindowStart()) + " .. " + time(p.getDataWindowEnd()));
        prov.put("source offsets", String.valueOf(new TreeMap<>(p.getSourceOffsets())));
        prov.put("records used / validation", p.getRecordCount() + " / " + p.getValidationCount());
        prov.put("records skipped", String.valueOf(p.getSkippedCount()));
        prov.put("train / validation NLL", String.format(java.util.Locale.ROOT, "%.4f / %.4f", p.getTrainNll(), p.getValidationNll()));
        prov.put("training time", result.trainingMillis() + " ms (" + Math.round(result.samplesPerSecond()) + " records/s)");
        prov.put("seed", String.valueOf(p.getSeed()));
        prov.put("backend", p.getBackend());
        prov.put("trainer version", p.getTrainerVersion());
        prov.put("feature schema fingerprint", p.getFeatureSchemaFingerprint());
        prov.put("digest (SHA-256)", java.util.HexFormat.of().formatHex(bytes(mv.getDigest())));
        prov.put("signature", mv.getSignatureAlgorithm() == null ? "unsigned" : mv.getSignatureAlgorithm());
        new TreeMap<>(p.getConfig()).forEach((k, v) -> prov.put("config " + k, v));
        Map<String, Long> skipped = new LinkedHashMap<>(h == null ? Map.of() : h.skips().byReason());
        result.fitterSkipped().forEach((k, v) -> skipped.merge("fitter: " + k, v, Long::sum));
        Map<String, Double> typical = new LinkedHashMap<>();
        mv.getFeatures().forEach(f -> {
            Double v = mv.getTypicalContributions().get(f.getName());
            if (v != null) {
                typical.put(f.getName(), v);
            }
        });
        return new ReportData(mv.getModel(), mv.getVersion(), p.getCreatedAt().toEpochMilli(), curve,
                result.heldOutLogDensity(), levels, prov, skipped, typical, result.candidates().stream()
                .map(c -> new ReportData.Candidate(c.label(), c.trained(), c.validationNll(), c.epochs(), c.millis(),
                        c.chosen(), c.note())).toList(),
                result.candidateCurves().stream().map(e -> new ReportData.CandidatePoint(e.candidate(), e.epoch(),
                        e.validationNll())).toList(),
                result.thresholdBands().stream().map(b -> new ReportData.Band(b.scope(), b.level(), b.low(), b.high(),
                        b.rateRatioLow(), b.rateRatioHigh(), b.expectedBelow(), b.ownWeight(), b.pooledWith(),
                        b.note())).toList());
    }

    private static String time(Instant t) {
        return t == null ? "unbounded" : t.toString();
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
