package io.normalcy.trainer.job;

import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.Provenance;
import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.FitResult;
import io.normalcy.flow.fit.ModelFitter;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.fit.ThresholdBand;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.state.ModelFiles;
import io.normalcy.flow.state.ModelStateMapper;
import io.normalcy.flow.train.EpochStats;
import io.normalcy.flow.train.ProgressListener;
import io.normalcy.schemas.ModelDigests;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The training proper, identical in a child JVM and in-process: definition → {@link FitConfig}, flow's
 * {@link ModelFitter}, then the model record with the trainer's provenance (requested window, source offsets,
 * records skipped before fitting, trainer version, duration) and a fresh digest, written to the spec's model
 * file. Also scores the calibration hold-out for the report's histogram.
 */
final class Fitting {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Fitting.class);

    private Fitting() {
    }

    /** The model to warm-start from, or null (none offered, or its file does not load: then cold, logged). */
    static NormalcyModel warmStart(JobSpec spec) {
        if (spec.warmStartModel() == null) {
            return null;
        }
        try {
            return ModelFiles.load(Path.of(spec.warmStartModel()));
        } catch (Exception e) {
            LOG.warn("model {}: cannot warm-start from {} ({}); training cold", spec.model(), spec.warmStartModel(),
                    e.getMessage());
            return null;
        }
    }

    static JobResult fit(JobSpec spec, List<RawRecord> rows, Consumer<JobResult.Epoch> progress) throws Exception {
        FitConfig config = FitConfigs.from(spec.definition());
        List<JobResult.Epoch> curve = new ArrayList<>();
        List<JobResult.Epoch> candidateCurves = new ArrayList<>();
        long t0 = System.nanoTime();
        FitResult fit = new ModelFitter().fit(spec.model(), spec.version(), rows, config, new ProgressListener() {
            @Override
            public void onEpoch(EpochStats s) {
                JobResult.Epoch e = epoch(s, null);
                curve.add(e);
                progress.accept(e);
            }

            @Override
            public void onCandidateEpoch(String candidate, EpochStats s) {
                JobResult.Epoch e = epoch(s, candidate);
                candidateCurves.add(e);
                progress.accept(e);
            }
        }, warmStart(spec));
        if (!fit.autoCandidates().isEmpty() && curve.isEmpty()) {
            // flow auto without a retraining pass: the model's curve is the chosen candidate's whole history
            fit.history().forEach(s -> curve.add(epoch(s, null)));
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        // the fit sees derived features as ordinary columns; the model carries how to compute them for the detector
        NormalcyModel model = fit.model().withDerived(spec.definition().derivedFeatures());
        long fitterSkipped = fit.metrics().skippedCount();
        ModelVersion mv = ModelStateMapper.toState(model);
        Provenance.Builder p = Provenance.newBuilder(mv.getProvenance())
                .setTrainerVersion(spec.trainerVersion())
                .setSkippedCount(spec.skippedCount() + fitterSkipped)
                .setTrainingMillis(millis)
                .setSourceOffsets(spec.sourceOffsets() == null ? Map.of() : spec.sourceOffsets());
        if (spec.windowStart() != null) {
            p.setDataWindowStart(Instant.ofEpochMilli(spec.windowStart()));
        }
        if (spec.windowEnd() != null) {
            p.setDataWindowEnd(Instant.ofEpochMilli(spec.windowEnd()));
        }
        mv = ModelDigests.withDigest(ModelVersion.newBuilder(mv).setProvenance(p.build()).build());
        ModelFiles.write(Path.of(spec.modelOut()), mv);

        double sps = curve.stream().mapToDouble(JobResult.Epoch::samplesPerSecond).filter(Double::isFinite).average().orElse(Double.NaN);
        JobResult.Epoch last = curve.isEmpty() ? null : curve.get(curve.size() - 1);
        double bestVal = curve.stream().mapToDouble(JobResult.Epoch::validationNll).min().orElse(Double.NaN);
        return new JobResult(curve, fit.heldOutLogDensities(), millis, sps,
                last == null ? Double.NaN : last.trainNll(), bestVal,
                fit.metrics().trainerRecords(),
                fitterSkipped == 0 ? Map.of() : Map.of("SKIPPED_BY_FITTER", fitterSkipped),
                fit.autoCandidates().stream().map(c -> new JobResult.Candidate(c.label(), c.trained(),
                        c.trained() ? c.validationNll() : null, c.epochs(), c.millis(), c.chosen(), c.note())).toList(),
                candidateCurves, fit.thresholdBands().stream().map(Fitting::band).toList());
    }

    private static JobResult.Epoch epoch(EpochStats s, String candidate) {
        return new JobResult.Epoch(s.epoch() + 1, s.trainNll(), s.valNll(), s.samplesPerSecond(), candidate);
    }

    private static JobResult.Band band(ThresholdBand b) {
        return new JobResult.Band(b.scope(), b.level(), b.low(), b.high(), b.rateRatioLow(), b.rateRatioHigh(),
                b.expectedBelow(), b.ownWeight(), b.pooledWith(), b.few() ? b.note() : null);
    }
}
