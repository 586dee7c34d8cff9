package io.normalcy.flow.fit;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.InvalidInputException;
import io.normalcy.flow.model.ModelProvenance;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.Thresholds;
import io.normalcy.flow.preprocess.ContextEncoder;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.preprocess.FeaturePreprocessor;
import io.normalcy.flow.preprocess.Log1pMode;
import io.normalcy.flow.train.FlowTrainer;
import io.normalcy.flow.train.ProgressListener;
import io.normalcy.flow.train.TrainingData;
import io.normalcy.flow.train.TrainingDivergedException;
import io.normalcy.flow.train.TrainingOptions;
import io.normalcy.flow.train.TrainingResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw rows → calibrated {@link NormalcyModel}: validates rows (missing / non-finite values are counted and
 * skipped), splits off a calibration hold-out, fits the preprocessing and context encoding on the trainer's rows,
 * trains the flow by maximum likelihood ({@link FlowTrainer}, with fresh dequantisation noise per epoch for
 * integer features, Theis et al. 2016), then calibrates thresholds and typical contributions on the hold-out and
 * (by default) the trainer's validation rows ({@link CalibrationRows}, {@link ThresholdCalibrator}). Stateless and
 * thread-safe; training itself uses ND4J.
 */
public final class ModelFitter {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFitter.class);
    /** Fewer valid rows cannot give a trainer split, a validation split and a calibration hold-out. */
    public static final int MIN_VALID_ROWS = 10;

    /**
     * @param progress called after every epoch (nullable); under flow auto by
     *                 {@link ProgressListener#onCandidateEpoch} with the candidate's label
     * @throws IllegalArgumentException when there are fewer than {@link #MIN_VALID_ROWS} valid rows (the message
     *                                  says why the first invalid row was skipped) or the data contradict the
     *                                  configuration (e.g. a non-integral integer feature is not skipped but
     *                                  reported)
     */
    public FitResult fit(String name, long version, List<RawRecord> rows, FitConfig config,
                         ProgressListener progress) {
        return fit(name, version, rows, config, progress, null);
    }

    /**
     * {@link #fit(String, long, List, FitConfig, ProgressListener)} starting, when {@link WarmStart} allows it, from
     * {@code warmFrom}'s weights, preprocessing and context encoding (no random start, no data-dependent ActNorm
     * start); otherwise cold. The model's provenance says which ({@code warmStart}).
     *
     * @param warmFrom the currently published version of this model (nullable: cold)
     */
    public FitResult fit(String name, long version, List<RawRecord> rows, FitConfig config,
                         ProgressListener progress, NormalcyModel warmFrom) {
        checkArguments(name, rows);
        long t0 = System.currentTimeMillis();
        List<String> features = features(rows, config);
        ValidRows valid = validRows(name, rows, features, config);
        DataSplit split = DataSplit.of(valid.size(), config.calibrationFraction(), config.seed());
        TrainerSplit trainer = trainerSplit(valid, split.trainer(), features, config);
        FitConfig sized = config.sizedFor(valid.size(), features.size(), trainer.contextDim());
        LOG.info("model {}: sizing {}", name, sized.describe().get("sizing"));
        Trained t = config.autoSelect() ? autoSelected(name, config, sized, trainer, progress, warmFrom)
                : single(name, sized, valid, split, trainer, progress, warmFrom);
        t = trimmed(name, version, t, valid, split.trainer(), progress);
        TrainerSplit used = t.trainer();

        // Calibration on the hold-out, scored exactly as the detector will (bin centres for integer features).
        NormalcyModel uncalibrated = new NormalcyModel(name, version, t.spec(), t.result().best(),
                used.preprocessor(), used.contextSpec(), new Thresholds(List.of(),
                categoricalNames(used.contextSpec())), Map.of(), provisional(config));
        CalibrationRows calRows = CalibrationRows.of(config, split.calibration(), split.trainer(), t.result(),
                t.trim() != null);
        HoldOut holdOut = HoldOut.score(name, uncalibrated, valid.records(), calRows.heldOut());
        HoldOut calibrating = holdOut.with(HoldOut.scoreAny(name, uncalibrated, valid.records(),
                calRows.validation()));
        LOG.info("model {}: calibrating on {}", name, calRows.description());
        TailCalibration tails = new ThresholdCalibrator(config.levels(), config.minContextSamples())
                .fitTails(calibrating.logDensities(), calibrating.contexts(), categoricalNames(used.contextSpec()),
                        vocabularies(used.contextSpec()));
        Thresholds thresholds = tails.thresholds();
        Map<String, Double> typical = ThresholdCalibrator.typicalContributions(features,
                calibrating.contributions());

        long skipped = valid.skipped() + calibrating.unscorable();
        long trainingMillis = System.currentTimeMillis() - t0;
        ModelProvenance provenance = provenance(t, config, valid.records(), skipped, holdOut, calRows);
        NormalcyModel model = new NormalcyModel(name, version, t.spec(), t.result().best(), used.preprocessor(),
                used.contextSpec(), thresholds, typical, provenance)
                .withMissing(HeldOutMedians.missingValues(config.missing(), features, valid.values(), split.calibration()));
        TrainingResult trained = t.result();
        FitMetrics metrics = new FitMetrics(holdOut.mean(), holdOut.logDensities().length,
                calibrating.logDensities().length, split.trainer().length, skipped, trained.bestValNll(),
                trained.bestEpoch(), trained.history().size(), trainingMillis);
        return new FitResult(model, trained.history(), metrics, calibrating.logDensities(),
                t.auto() == null ? List.of() : t.auto().candidates(),
                tails.bands(TailCalibration.BAND_REPLICATES, config.seed()));
    }

    /**
     * The trained flow: the configuration it was trained with (sizes resolved), its spec, the trainer split it saw
     * (re-encoded with the previous model's preprocessing on a warm start), the result, whether it started warm,
     * and the auto selection's outcome (null without auto selection).
     */
    private record Trained(FitConfig config, FlowSpec spec, TrainerSplit trainer, TrainingResult result,
                           WarmStart warm, AutoSelection.Outcome auto, String trim) {
        Trained(FitConfig config, FlowSpec spec, TrainerSplit trainer, TrainingResult result, WarmStart warm,
                AutoSelection.Outcome auto) {
            this(config, spec, trainer, result, warm, auto, null);
        }
    }

    /**
     * With a {@link FitConfig#contamination()}, drops that share of the trainer rows with the lowest log-density
     * under the first fit and continues training from its weights on the rest ({@link ContaminationTrim});
     * otherwise {@code t} unchanged. The preprocessing and context encoding stay those of the whole trainer split.
     */
    private static Trained trimmed(String name, long version, Trained t, ValidRows valid, int[] tr,
                                   ProgressListener progress) {
        double c = t.config().contamination();
        if (c <= 0) {
            return t;
        }
        NormalcyModel first = new NormalcyModel(name, version, t.spec(), t.result().best(),
                t.trainer().preprocessor(), t.trainer().contextSpec(), new Thresholds(List.of(),
                categoricalNames(t.trainer().contextSpec())), Map.of(), provisional(t.config()));
        int[] keep = ContaminationTrim.keep(ContaminationTrim.logDensities(first, valid.records(), tr), c,
                MIN_VALID_ROWS);
        TrainerSplit kept = t.trainer().subset(keep);
        LOG.info("model {}: contamination {}: dropped {} of {} trainer rows, training on from the first fit", name,
                c, tr.length - keep.length, tr.length);
        TrainingResult again = train(t.spec(), kept, t.config(), progress, first);
        String trim = String.format(java.util.Locale.ROOT, "%s: dropped the %d of %d trainer rows with the lowest"
                + " log-density under a first fit (best validation NLL %.4f), then trained on from it (%.4f)", c,
                tr.length - keep.length, tr.length, t.result().bestValNll(), again.bestValNll());
        return new Trained(t.config(), t.spec(), kept, again, t.warm(), t.auto(), trim);
    }

    /** One flow of the configured family, warm from {@code warmFrom} when {@link WarmStart} allows it. */
    private static Trained single(String name, FitConfig sized, ValidRows valid, DataSplit split,
                                  TrainerSplit trainer, ProgressListener progress, NormalcyModel warmFrom) {
        FlowSpec spec = spec(sized, trainer);
        WarmStart warm = WarmStart.decide(warmFrom, spec, trainer.preprocessor(), trainer.contextSpec(),
                trainer.raw());
        TrainerSplit used = trainer;
        if (warm.applies()) {
            used = encode(valid, split.trainer(), trainer.raw(), warmFrom.preprocessor(), warmFrom.contextSpec());
        } else if (warmFrom != null) {
            LOG.warn("model {}: {}", name, warm.description());
        }
        TrainingResult trained = train(spec, used, sized, progress, warm.applies() ? warmFrom : null);
        return new Trained(sized, spec, used, trained, warm, null);
    }

    /**
     * {@link AutoSelection} over the candidate families and sizes, each a {@link FlowTrainer#start resumable
     * session} on the same training data (one dequantised view shared by all). Every candidate starts cold: a warm
     * start reuses the previous model's preprocessing, which would give the warm candidate a different flow space
     * and make its validation NLL incomparable with the others'.
     */
    private static Trained autoSelected(String name, FitConfig requested, FitConfig sized, TrainerSplit trainer,
                                        ProgressListener progress, NormalcyModel warmFrom) {
        if (warmFrom != null) {
            LOG.info("model {}: auto selection trains every candidate cold (warm start not used)", name);
        }
        TrainingData data = FlowSpaceRows.of(trainer.preprocessor(), trainer.raw(), trainer.context(), sized.seed());
        AutoSelection.Outcome o;
        try {
            o = new AutoSelection(requested, sized, System::nanoTime).run(candidate -> {
                FlowSpec spec = spec(candidate, trainer);
                String label = AutoCandidate.label(candidate);
                return AutoSelection.Run.of(new FlowTrainer(options(candidate)).start(spec,
                        ParameterInitializer.initialize(spec, new Random(candidate.seed())), data,
                        progress == null ? ProgressListener.NONE : s -> progress.onCandidateEpoch(label, s), true));
            });
        } catch (TrainingDivergedException e) {
            throw new TrainingDivergedException(e.getMessage() + "; " + mostExtreme(trainer), e);
        }
        WarmStart warm = warmFrom == null ? WarmStart.COLD
                : new WarmStart(false, "cold: auto selection trains every candidate cold");
        return new Trained(o.config(), spec(o.config(), trainer), trainer, o.trained(), warm, o);
    }

    private static FlowSpec spec(FitConfig c, TrainerSplit trainer) {
        return new FlowSpec(c.flowType(), trainer.preprocessor().dimension(), trainer.contextDim(), c.blocks(),
                c.hidden(), c.actNorm(), c.luLinear(), c.permutation(), c.ordering(), c.additive(), c.scaleClamp(),
                c.seed(), c.components());
    }

    /** The valid rows (in input order) with their feature values, and how many rows were skipped. */
    private record ValidRows(List<RawRecord> records, List<double[]> values, long skipped) {
        int size() {
            return records.size();
        }
    }

    /** The trainer split: raw feature rows, the preprocessing and context encoding fitted on them, the context. */
    private record TrainerSplit(double[][] raw, FeaturePreprocessor preprocessor, ContextSpec contextSpec,
                                int contextDim, double[][] context) {
        /** The rows {@code keep} (indices into this split) with the same preprocessing and context encoding. */
        TrainerSplit subset(int[] keep) {
            double[][] r = new double[keep.length][];
            double[][] c = context == null ? null : new double[keep.length][];
            for (int i = 0; i < keep.length; i++) {
                r[i] = raw[keep[i]];
                if (c != null) {
                    c[i] = context[keep[i]];
                }
            }
            return new TrainerSplit(r, preprocessor, contextSpec, contextDim, c);
        }
    }

    private static void checkArguments(String name, List<RawRecord> rows) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("model name must not be empty");
        }
        if (rows == null || rows.isEmpty()) {
            throw new IllegalArgumentException("no records to fit model '" + name + "'");
        }
    }

    /** The configured features (or all of the first record's), checked against the integer and log1p lists. */
    private static List<String> features(List<RawRecord> rows, FitConfig config) {
        List<String> features = config.features().isEmpty() ? inferFeatures(rows) : config.features();
        for (String f : config.integerFeatures()) {
            if (!features.contains(f)) {
                throw new IllegalArgumentException("integer feature '" + f + "' is not a feature " + features);
            }
        }
        for (String f : config.log1pFeatures()) {
            if (!features.contains(f)) {
                throw new IllegalArgumentException("log1p feature '" + f + "' is not a feature " + features);
            }
        }
        return features;
    }

    /** Skips (and counts) rows with missing or non-finite values; fails below {@link #MIN_VALID_ROWS}. */
    private static ValidRows validRows(String name, List<RawRecord> rows, List<String> features, FitConfig config) {
        RowFilter filter = new RowFilter(features, config.integerFeatures(), numericSources(config));
        List<RawRecord> valid = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            double[] v = filter.accept(rows.get(i), i);
            if (v != null) {
                valid.add(rows.get(i));
                values.add(v);
            }
        }
        long skipped = rows.size() - valid.size();
        if (valid.size() < MIN_VALID_ROWS) {
            throw new IllegalArgumentException("model '" + name + "': only " + valid.size() + " of " + rows.size()
                    + " records are valid, at least " + MIN_VALID_ROWS + " are needed"
                    + (filter.firstProblem() == null ? "" : " (first skipped: " + filter.firstProblem() + ")"));
        }
        if (skipped > 0) {
            LOG.warn("model {}: skipped {} of {} records (first: {})", name, skipped, rows.size(),
                    filter.firstProblem());
        }
        return new ValidRows(valid, values, skipped);
    }

    /** Fits the preprocessing and the context encoding on the trainer rows {@code tr} and encodes their context. */
    private static TrainerSplit trainerSplit(ValidRows valid, int[] tr, List<String> features, FitConfig config) {
        double[][] raw = new double[tr.length][];
        List<Map<String, String>> categorical = new ArrayList<>(tr.length);
        List<Map<String, Double>> numeric = new ArrayList<>(tr.length);
        for (int i = 0; i < tr.length; i++) {
            raw[i] = valid.values().get(tr[i]);
            categorical.add(valid.records().get(tr[i]).context());
            numeric.add(valid.records().get(tr[i]).contextNumeric());
        }
        FeaturePreprocessor pre = fitPreprocessor(raw, features, config);
        ContextSpec contextSpec = ContextSpec.fit(config.categoricalContext(), config.cyclicContext(),
                config.numericContext(), categorical, numeric, config.maxVocabulary());
        return encode(valid, tr, raw, pre, contextSpec);
    }

    /** The trainer split {@code tr} with the given preprocessing and context encoding (context rows encoded). */
    private static TrainerSplit encode(ValidRows valid, int[] tr, double[][] raw, FeaturePreprocessor pre,
                                       ContextSpec contextSpec) {
        ContextEncoder encoder = new ContextEncoder(contextSpec);
        double[][] ctx = encoder.dimension() == 0 ? null : new double[tr.length][];
        for (int i = 0; ctx != null && i < tr.length; i++) {
            RawRecord r = valid.records().get(tr[i]);
            ctx[i] = encoder.encode(r.context(), r.contextNumeric(), r.eventTime());
        }
        return new TrainerSplit(raw, pre, contextSpec, encoder.dimension(), ctx);
    }

    /** Maximum likelihood on the trainer split, which {@link FlowTrainer} splits again for early stopping. */
    private static TrainingResult train(FlowSpec spec, TrainerSplit trainer, FitConfig config,
                                        ProgressListener progress, NormalcyModel warmFrom) {
        FlowParameters initial = warmFrom != null ? warmFrom.parameters()
                : ParameterInitializer.initialize(spec, new Random(config.seed()));
        TrainingData data = FlowSpaceRows.of(trainer.preprocessor(), trainer.raw(), trainer.context(), config.seed());
        try {
            return new FlowTrainer(options(config)).fit(spec, initial, data,
                    progress == null ? ProgressListener.NONE : progress, warmFrom == null);
        } catch (TrainingDivergedException e) {
            throw new TrainingDivergedException(e.getMessage() + "; " + mostExtreme(trainer), e);
        }
    }

    /**
     * The trainer's options: {@code config}'s, validating on its share of the trainer split (which rows that is,
     * {@link CalibrationRows#indices} derives from these options too).
     */
    static TrainingOptions options(FitConfig config) {
        double trainerValFraction = config.validationFraction()
                / (config.trainFraction() + config.validationFraction());
        TrainingOptions defaults = TrainingOptions.defaults();
        return new TrainingOptions(config.epochs(), config.batchSize(), config.learningRate(),
                config.weightDecay(), defaults.clipNorm(), config.patience(), Math.min(0.5, trainerValFraction),
                config.seed(), defaults.maxRollbacks()).withEngine(config.engine());
    }

    /**
     * Names the feature with the most extreme standardised training value: a diverged fit is almost always one
     * feature's outliers or heavy tail, and the operator needs to know which one to clean, log1p or drop.
     */
    private static String mostExtreme(TrainerSplit trainer) {
        FeaturePreprocessor pre = trainer.preprocessor();
        double[] u = new double[pre.dimension()];
        double worst = -1;
        int worstFeature = 0;
        for (double[] row : trainer.raw()) {
            pre.toFlowSpace(row, u, null);
            for (int j = 0; j < u.length; j++) {
                if (Math.abs(u[j]) > worst) {
                    worst = Math.abs(u[j]);
                    worstFeature = j;
                }
            }
        }
        return String.format(java.util.Locale.ROOT, "most extreme feature: '%s' (a training value %.3g standard"
                + " deviations from its mean; check it for outliers, declare it log1p or drop it)",
                pre.names().get(worstFeature), worst);
    }

    private static ModelProvenance provenance(Trained t, FitConfig requested, List<RawRecord> valid, long skipped,
                                              HoldOut holdOut, CalibrationRows rows) {
        TrainingResult trained = t.result();
        FeaturePreprocessor pre = t.trainer().preprocessor();
        List<String> features = pre.names();
        double trainNll = trained.bestEpoch() >= 0 ? trained.history().get(indexOf(trained, trained.bestEpoch()))
                .trainNll() : Double.NaN;
        Map<String, String> described = new LinkedHashMap<>(t.config().describe());
        described.put("features", String.join(",", features));
        described.put("integerFeatures", String.join(",", new TreeSet<>(requested.integerFeatures())));
        described.put("log1pFeatures", String.join(",", new TreeSet<>(requested.log1pFeatures())));
        described.put("dequantisationSteps", steps(pre));
        described.put("warmStart", t.warm().description());
        if (t.trim() != null) {
            described.put("contamination", t.trim());
        }
        described.put("epochsRun", Integer.toString(trained.history().size()));
        described.put("bestEpoch", Integer.toString(trained.bestEpoch()));
        described.put(ProvenanceTraces.LOSS_CURVE, ProvenanceTraces.lossCurve(trained.history()));
        described.put(ProvenanceTraces.HELD_OUT_QUANTILES, ProvenanceTraces.heldOutQuantiles(holdOut.logDensities()));
        described.put("calibrationRows", rows.description());
        described.put("nllUnits", "trainNll: flow space (nats/record); validationNll: original units on the"
                + " calibration hold-out");
        if (t.auto() != null) {
            described.put("flowChoice", "auto (budget " + requested.autoBudget() + "): successive halving at equal"
                    + " epochs, lowest validation NLL of " + t.auto().candidates().size() + " candidates");
            described.put("autoCandidates", AutoSelection.describe(t.auto().candidates()));
            if (t.auto().warning() != null) {
                described.put("autoWarning", t.auto().warning());
            }
        }
        return new ModelProvenance(trainerVersion(), requested.seed(), windowStart(valid), windowEnd(valid),
                Map.of(), valid.size(), skipped, trainNll, -holdOut.mean(), holdOut.logDensities().length, backend(),
                System.currentTimeMillis(), described);
    }

    /** "name=step" of every feature the fit gave a dequantisation step (quantised or constant in training). */
    private static String steps(FeaturePreprocessor pre) {
        List<String> out = new ArrayList<>();
        for (FeaturePreprocessor.Feature f : pre.features()) {
            if (f.step() > 0) {
                out.add(f.name() + "=" + f.step());
            }
        }
        return String.join(",", out);
    }

    private static Map<String, List<String>> vocabularies(ContextSpec spec) {
        Map<String, List<String>> vocab = new LinkedHashMap<>();
        spec.categorical().forEach(f -> vocab.put(f.name(), f.vocabulary()));
        return vocab;
    }

    private static int indexOf(TrainingResult r, int epoch) {
        for (int i = 0; i < r.history().size(); i++) {
            if (r.history().get(i).epoch() == epoch) {
                return i;
            }
        }
        return r.history().size() - 1;
    }

    private static List<String> inferFeatures(List<RawRecord> rows) {
        for (RawRecord r : rows) {
            if (!r.features().isEmpty()) {
                return List.copyOf(new TreeSet<>(r.features().keySet()));
            }
        }
        throw new IllegalArgumentException("no record has any feature");
    }

    private static List<String> numericSources(FitConfig config) {
        return ContextSpec.numericSources(config.cyclicContext(), config.numericContext());
    }

    private static List<String> categoricalNames(ContextSpec spec) {
        List<String> out = new ArrayList<>();
        spec.categorical().forEach(f -> out.add(f.name()));
        return out;
    }

    /** log1p only where asked and the training minimum is ≥ 0 (otherwise it is not a bijection on the data). */
    private static FeaturePreprocessor fitPreprocessor(double[][] raw, List<String> features, FitConfig config) {
        int d = features.size();
        boolean[] integer = new boolean[d];
        Log1pMode[] log1p = new Log1pMode[d];
        for (int j = 0; j < d; j++) {
            String f = features.get(j);
            integer[j] = config.integerFeatures().contains(f);
            log1p[j] = Log1pMode.NEVER;
            if (config.log1pFeatures().contains(f)) {
                double min = Double.POSITIVE_INFINITY;
                for (double[] row : raw) {
                    min = Math.min(min, row[j]);
                }
                if (min >= 0) {
                    log1p[j] = Log1pMode.ALWAYS;
                } else {
                    LOG.warn("feature '{}' has negative training values (min {}); log1p not applied", f, min);
                }
            }
        }
        FeaturePreprocessor pre = FeaturePreprocessor.fit(raw, features, integer, log1p);
        for (FeaturePreprocessor.Feature f : pre.features()) {
            if (f.step() > 0) {
                LOG.info("feature '{}' repeats values (quantised or constant in training): dequantised with step {}",
                        f.name(), f.step());
            }
        }
        return pre;
    }

    private static ModelProvenance provisional(FitConfig config) {
        return new ModelProvenance(trainerVersion(), config.seed(), null, null, Map.of(), 0, 0, Double.NaN,
                Double.NaN, 0, backend(), 0L, Map.of());
    }

    private static Long windowStart(List<RawRecord> rows) {
        long min = Long.MAX_VALUE;
        for (RawRecord r : rows) {
            min = Math.min(min, r.eventTime());
        }
        return min == 0L ? null : min;
    }

    private static Long windowEnd(List<RawRecord> rows) {
        long max = Long.MIN_VALUE;
        for (RawRecord r : rows) {
            max = Math.max(max, r.eventTime());
        }
        return max == 0L ? null : max + 1;
    }

    static String trainerVersion() {
        String v = ModelFitter.class.getPackage().getImplementationVersion();
        return "normalcy-flow " + (v == null ? "dev" : v);
    }

    private static String backend() {
        try {
            return Nd4j.getBackend().getClass().getSimpleName();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }
}
