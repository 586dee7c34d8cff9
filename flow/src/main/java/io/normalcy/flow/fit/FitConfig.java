package io.normalcy.flow.fit;

import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.MissingPolicy;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.PermutationMode;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.preprocess.ContextSpec.CyclicField;
import io.normalcy.flow.train.TrainingEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@link ModelFitter} needs besides the data: flow hyper-parameters, training options, feature and
 * context declarations, alert levels and split fractions. Immutable; build with {@link #builder()}, which
 * validates every value with a message naming it.
 *
 * <p>Defaults are chosen to train well in a few minutes on 2 CPU cores: a MAF_MOG (MAF blocks with a
 * mixture-of-Gaussians base, Papamakarios et al. 2017) with NATURAL ordering, so per-feature contributions are
 * exact conditionals that can still be multi-modal and skewed (a Gaussian-base MAF with NATURAL ordering cannot fit
 * a multi-modal first feature), ActNorm, K = 3 components ({@link Builder#components}), Adam at 1e-3 with warm-up
 * and cosine decay, batch 256, early stopping on a 10% validation split, and 20% held out for threshold calibration
 * (0.01 → WARNING, 0.001 → CRITICAL; thresholds rest on the held-out and the validation rows,
 * {@link #calibrateOnValidation()}). Blocks, hidden widths, epochs, patience and weight decay follow the size of the
 * data ({@link SizeRule}, applied by {@link #sizedFor} at fit time) unless set; {@code sizeToData(false)} restores the
 * fixed 4 × [64, 64], 50 epochs, patience 5, weight decay 1e-5. {@link Builder#autoSelect} chooses the family too.
 */
public final class FitConfig {
    /** Settings {@link SizeRule} chooses from the data when the user did not set them. */
    public enum Sized { BLOCKS, HIDDEN, EPOCHS, PATIENCE, WEIGHT_DECAY }

    /** Fixed defaults before the data are seen (and with {@code sizeToData(false)}): the pre-1.x defaults. */
    static final int FIXED_BLOCKS = 4;
    static final int[] FIXED_HIDDEN = {64, 64};
    static final int FIXED_EPOCHS = 50;
    static final int FIXED_PATIENCE = 5;
    static final double FIXED_WEIGHT_DECAY = 1e-5;
    /** Largest {@link #contamination()}: trimming more than a fifth of history no longer describes "normal". */
    public static final double MAX_CONTAMINATION = 0.2;

    private final FlowType flowType;
    private final Boolean luLinearSetting;
    private final int blocks;
    private final int[] hidden;
    private final boolean actNorm;
    private final boolean luLinear;
    private final PermutationMode permutation;
    private final Ordering ordering;
    private final boolean additive;
    private final double scaleClamp;
    private final int epochs;
    private final int batchSize;
    private final double learningRate;
    private final int patience;
    private final double weightDecay;
    /** Size-dependent settings ({@link Sized}) the user gave; the others follow {@link SizeRule}. */
    private final Set<Sized> explicit;
    private final boolean sizeToData;
    /** How the size-dependent settings were chosen, once {@link #sizedFor} ran; null before. */
    private final String sizing;
    private final Duration autoBudget;
    private final long seed;
    private final List<String> features;
    private final Set<String> integerFeatures;
    private final Set<String> log1pFeatures;
    private final List<String> categoricalContext;
    private final List<CyclicField> cyclicContext;
    private final List<String> numericContext;
    private final int maxVocabulary;
    private final List<AlertLevel> levels;
    private final int minContextSamples;
    private final double trainFraction;
    private final double validationFraction;
    private final double contamination;
    private final boolean calibrateOnValidation;
    /** Mixture components K of the MAF_MOG base the user set; null = {@link FlowSpec#DEFAULT_COMPONENTS}. */
    private final Integer components;
    private final Map<String, MissingPolicy> missing;
    private final TrainingEngine engine;

    private FitConfig(Builder b) {
        flowType = b.flowType;
        luLinearSetting = b.luLinear;
        explicit = explicitOf(b);
        blocks = b.blocks == null ? FIXED_BLOCKS : b.blocks;
        hidden = (b.hidden == null ? FIXED_HIDDEN : b.hidden).clone();
        epochs = b.epochs == null ? FIXED_EPOCHS : b.epochs;
        patience = b.patience == null ? FIXED_PATIENCE : b.patience;
        weightDecay = b.weightDecay == null ? FIXED_WEIGHT_DECAY : b.weightDecay;
        sizeToData = b.sizeToData;
        sizing = b.sizing;
        autoBudget = b.autoBudget;
        actNorm = b.actNorm;
        luLinear = b.luLinear == null ? flowType == FlowType.REALNVP : b.luLinear;
        permutation = b.permutation;
        ordering = b.ordering;
        additive = b.additive;
        scaleClamp = b.scaleClamp;
        batchSize = b.batchSize;
        learningRate = b.learningRate;
        seed = b.seed;
        features = List.copyOf(b.features);
        integerFeatures = Set.copyOf(b.integerFeatures);
        log1pFeatures = Set.copyOf(b.log1pFeatures);
        categoricalContext = List.copyOf(b.categoricalContext);
        cyclicContext = List.copyOf(b.cyclicContext);
        numericContext = List.copyOf(b.numericContext);
        maxVocabulary = b.maxVocabulary;
        levels = List.copyOf(b.levels);
        minContextSamples = b.minContextSamples;
        trainFraction = b.trainFraction;
        validationFraction = b.validationFraction;
        contamination = b.contamination;
        calibrateOnValidation = b.calibrateOnValidation;
        components = b.components;
        missing = Collections.unmodifiableMap(new LinkedHashMap<>(b.missing));
        engine = b.engine;
        validate();
    }

    private void validate() {
        require(blocks >= 1 && blocks <= 64, "blocks must be in [1, 64], got " + blocks);
        require(hidden.length >= 1, "hidden must list at least one layer width");
        for (int h : hidden) {
            require(h >= 1 && h <= 4096, "hidden widths must be in [1, 4096], got " + Arrays.toString(hidden));
        }
        require(scaleClamp > 0 && Double.isFinite(scaleClamp), "scaleClamp must be finite and > 0, got " + scaleClamp);
        require(epochs >= 1, "epochs must be >= 1, got " + epochs);
        require(batchSize >= 1, "batchSize must be >= 1, got " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be > 0, got " + learningRate);
        require(patience >= 1, "patience must be >= 1, got " + patience);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay must be finite and >= 0, got "
                + weightDecay);
        require(autoBudget == null || !autoBudget.isNegative(), "autoSelect budget must be >= 0, got " + autoBudget);
        require(maxVocabulary >= 1, "maxVocabulary must be >= 1, got " + maxVocabulary);
        require(minContextSamples >= 1, "minContextSamples must be >= 1, got " + minContextSamples);
        require(trainFraction > 0 && trainFraction < 1, "trainFraction must be in (0, 1), got " + trainFraction);
        require(validationFraction > 0 && trainFraction + validationFraction < 1,
                "validationFraction must be > 0 and leave a calibration split (train + validation < 1), got "
                        + trainFraction + " + " + validationFraction);
        require(contamination >= 0 && contamination <= MAX_CONTAMINATION, "contamination must be in [0, "
                + MAX_CONTAMINATION + "], got " + contamination);
        require(components == null || components >= 1 && components <= FlowSpec.MAX_COMPONENTS, "components must be"
                + " in [1, " + FlowSpec.MAX_COMPONENTS + "] (mixture components of the MAF_MOG base), got " + components);
        require(new HashSet<>(features).size() == features.size(), "duplicate feature names: " + features);
        missing.forEach((f, p) -> {
            require(p != MissingPolicy.DEAD_LETTER, "missing-value policy of '" + f + "': dead-letter is the default"
                    + " and is not listed");
            require(features.isEmpty() || features.contains(f), "missing-value policy for '" + f
                    + "', which is not one of the features " + features);
        });
        for (String f : features) {
            require(f != null && !f.isEmpty(), "feature names must not be empty");
        }
        if (!features.isEmpty()) {
            for (String f : integerFeatures) {
                require(features.contains(f), "integer feature '" + f + "' is not in features " + features);
            }
            for (String f : log1pFeatures) {
                require(features.contains(f), "log1p feature '" + f + "' is not in features " + features);
            }
        }
        Set<String> ctxNames = new HashSet<>();
        for (String c : categoricalContext) {
            require(c != null && !c.isEmpty(), "categorical context names must not be empty");
            require(ctxNames.add("cat:" + c), "duplicate categorical context field '" + c + "'");
        }
        for (CyclicField c : cyclicContext) {
            require(ctxNames.add("cyc:" + c.name()), "duplicate cyclic context field '" + c.name() + "'");
        }
        for (String c : numericContext) {
            require(c != null && !c.isEmpty(), "numeric context names must not be empty");
            require(ctxNames.add("num:" + c), "duplicate numeric context field '" + c + "'");
        }
        Set<Double> lv = new HashSet<>();
        for (AlertLevel l : levels) {
            require(lv.add(l.level()), "duplicate alert level " + l.level());
        }
    }

    private static Set<Sized> explicitOf(Builder b) {
        Set<Sized> set = EnumSet.noneOf(Sized.class);
        if (b.blocks != null) {
            set.add(Sized.BLOCKS);
        }
        if (b.hidden != null) {
            set.add(Sized.HIDDEN);
        }
        if (b.epochs != null) {
            set.add(Sized.EPOCHS);
        }
        if (b.patience != null) {
            set.add(Sized.PATIENCE);
        }
        if (b.weightDecay != null) {
            set.add(Sized.WEIGHT_DECAY);
        }
        return Collections.unmodifiableSet(set);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid fit configuration: " + message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static FitConfig defaults() {
        return builder().build();
    }

    public FlowType flowType() { return flowType; }
    public int blocks() { return blocks; }
    public int[] hidden() { return hidden.clone(); }
    public boolean actNorm() { return actNorm; }
    public boolean luLinear() { return luLinear; }
    public PermutationMode permutation() { return permutation; }
    public Ordering ordering() { return ordering; }
    public boolean additive() { return additive; }
    public double scaleClamp() { return scaleClamp; }
    public int epochs() { return epochs; }
    public int batchSize() { return batchSize; }
    public double learningRate() { return learningRate; }
    public int patience() { return patience; }
    /** Decoupled (AdamW) weight decay on the weight matrices. */
    public double weightDecay() { return weightDecay; }
    /** Size-dependent settings the user set; {@link #sizedFor} fills the others from the data. */
    public Set<Sized> explicitSizes() { return explicit; }
    /** False: settings the user did not give keep the fixed defaults instead of following {@link SizeRule}. */
    public boolean sizeToData() { return sizeToData; }
    /** Flow auto selection's time budget, or null when the family is {@link #flowType()}. */
    public Duration autoBudget() { return autoBudget; }
    public boolean autoSelect() { return autoBudget != null; }
    public long seed() { return seed; }
    /** Feature names in flow order; empty = every feature of the first valid record, sorted by name. */
    public List<String> features() { return features; }
    public Set<String> integerFeatures() { return integerFeatures; }
    public Set<String> log1pFeatures() { return log1pFeatures; }
    public List<String> categoricalContext() { return categoricalContext; }
    public List<CyclicField> cyclicContext() { return cyclicContext; }
    public List<String> numericContext() { return numericContext; }
    /** Most frequent values kept per categorical field; rarer ones share the unknown slot. */
    public int maxVocabulary() { return maxVocabulary; }
    public List<AlertLevel> levels() { return levels; }
    public int minContextSamples() { return minContextSamples; }
    public double trainFraction() { return trainFraction; }
    public double validationFraction() { return validationFraction; }
    /** 1 − train − validation: held-out rows that calibrate thresholds and typical contributions. */
    public double calibrationFraction() { return 1 - trainFraction - validationFraction; }
    /**
     * True (default): thresholds, tails, bands and typical contributions rest on the hold-out <em>and</em> the flow's
     * validation rows (1.5× the rows at the default fractions): a context's q-threshold rests on about n·q rows, so
     * its rate scatters by ±1/√(n·q), and the validation rows only chose the epoch (and the auto candidate), a small
     * bias against that gain. Not used when {@link #contamination()} trims the trainer rows. False: hold-out only.
     */
    public boolean calibrateOnValidation() { return calibrateOnValidation; }
    /**
     * Expected share of anomalies in the training history, 0 (default) to {@link #MAX_CONTAMINATION}: after the
     * first fit, that share of the trainer rows with the lowest log-density is dropped and training continues from
     * the fitted weights on the rest ({@link ContaminationTrim}).
     */
    public double contamination() { return contamination; }
    /**
     * Mixture components K per conditional of the base density for {@link FlowType#MAF_MOG} (the set value, else
     * {@link FlowSpec#DEFAULT_COMPONENTS}); 0 for the other families, whose base is N(0, I). A setting applies to
     * every MAF_MOG candidate of auto selection and is ignored by MAF and REALNVP, so one configuration serves
     * every family.
     */
    public int components() {
        return flowType != FlowType.MAF_MOG ? FlowSpec.defaultComponents(flowType)
                : components != null ? components : FlowSpec.DEFAULT_COMPONENTS;
    }

    /** Whether the user set {@link #components()} (flow auto then does not try another K). */
    public boolean componentsSet() {
        return components != null;
    }

    /**
     * Missing-value policies of the features that are not dead-lettered when missing (issue 12 item 4): the fit
     * stores each with the feature's median on the calibration hold-out ({@link MissingValues}). Training rows that
     * lack a feature are skipped (and counted) as before, whatever its policy: the flow learns from complete rows.
     */
    public Map<String, MissingPolicy> missing() { return missing; }

    /**
     * How gradients are computed ({@link TrainingEngine}): AUTO (the default) trains on the hand-written manual
     * pass, the same arithmetic as SameDiff's graph (parity-tested) at about 3× the speed; SAMEDIFF keeps the graph,
     * e.g. on a backend where the manual pass has not been verified (CUDA).
     */
    public TrainingEngine engine() { return engine; }

    /** Effective settings as strings, recorded in {@code ModelProvenance.config}. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("flowType", flowType.name());
        m.put("blocks", Integer.toString(blocks));
        m.put("hidden", Arrays.toString(hidden));
        m.put("actNorm", Boolean.toString(actNorm));
        m.put("luLinear", Boolean.toString(luLinear));
        m.put("permutation", permutation.name());
        m.put("ordering", ordering.name());
        m.put("additive", Boolean.toString(additive));
        m.put("scaleClamp", Double.toString(scaleClamp));
        if (flowType == FlowType.MAF_MOG) {
            m.put("components", Integer.toString(components()));
        }
        m.put("epochs", Integer.toString(epochs));
        m.put("batchSize", Integer.toString(batchSize));
        m.put("learningRate", Double.toString(learningRate));
        m.put("patience", Integer.toString(patience));
        m.put("weightDecay", Double.toString(weightDecay));
        m.put("sizing", sizing != null ? sizing : sizeToData ? "by data (not yet applied)" : "fixed defaults");
        if (autoBudget != null) {
            m.put("flowChoice", "auto (budget " + autoBudget + ")");
        }
        m.put("seed", Long.toString(seed));
        m.put("minContextSamples", Integer.toString(minContextSamples));
        m.put("trainFraction", Double.toString(trainFraction));
        m.put("validationFraction", Double.toString(validationFraction));
        m.put("maxVocabulary", Integer.toString(maxVocabulary));
        if (contamination > 0) {
            m.put("contamination", Double.toString(contamination));
        }
        m.put("calibrateOnValidation", Boolean.toString(calibrateOnValidation));
        if (!missing.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            new java.util.TreeMap<>(missing).forEach((f, p) -> sb.append(sb.isEmpty() ? "" : ",").append(f).append('=')
                    .append(p.configName()));
            m.put("missing", sb.toString());
        }
        m.put("trainingEngine", engine.name());
        return m;
    }

    @Override
    public String toString() {
        return "FitConfig" + describe();
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private FlowType flowType = FlowType.MAF_MOG;
        private Integer blocks;
        private int[] hidden;
        private boolean actNorm = true;
        private Boolean luLinear;
        private PermutationMode permutation = PermutationMode.NONE;
        private Ordering ordering = Ordering.NATURAL;
        private boolean additive;
        private double scaleClamp = 3.0;
        private Integer epochs;
        private int batchSize = 256;
        private double learningRate = 1e-3;
        private Integer patience;
        private Double weightDecay;
        private boolean sizeToData = true;
        private String sizing;
        private Duration autoBudget;
        private long seed = 42L;
        private List<String> features = new ArrayList<>();
        private Set<String> integerFeatures = new LinkedHashSet<>();
        private Set<String> log1pFeatures = new LinkedHashSet<>();
        private List<String> categoricalContext = new ArrayList<>();
        private List<CyclicField> cyclicContext = new ArrayList<>();
        private List<String> numericContext = new ArrayList<>();
        private int maxVocabulary = 256;
        private List<AlertLevel> levels = new ArrayList<>(List.of(new AlertLevel(0.01, Severity.WARNING),
                new AlertLevel(0.001, Severity.CRITICAL)));
        private int minContextSamples = 500;
        private double trainFraction = 0.7;
        private double validationFraction = 0.1;
        private double contamination;
        private boolean calibrateOnValidation = true;
        private Integer components;
        private Map<String, MissingPolicy> missing = new LinkedHashMap<>();
        private TrainingEngine engine = TrainingEngine.AUTO;

        private Builder() {
        }

        public Builder flowType(FlowType v) { flowType = java.util.Objects.requireNonNull(v, "flowType"); return this; }
        public Builder blocks(int v) { blocks = v; return this; }
        public Builder hidden(int... v) { hidden = java.util.Objects.requireNonNull(v, "hidden").clone(); return this; }
        public Builder actNorm(boolean v) { actNorm = v; return this; }
        /** Default: false for MAF (keeps exact per-feature conditionals), true for REALNVP. */
        public Builder luLinear(boolean v) { luLinear = v; return this; }
        public Builder permutation(PermutationMode v) { permutation = java.util.Objects.requireNonNull(v, "permutation"); return this; }
        public Builder ordering(Ordering v) { ordering = java.util.Objects.requireNonNull(v, "ordering"); return this; }
        public Builder additive(boolean v) { additive = v; return this; }
        public Builder scaleClamp(double v) { scaleClamp = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder patience(int v) { patience = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        /**
         * True (default): blocks, hidden, epochs, patience and weight decay the caller did not set follow
         * {@link SizeRule} at fit time; false: they keep the fixed defaults (4 × [64, 64], 50 epochs, patience 5,
         * weight decay 1e-5).
         */
        public Builder sizeToData(boolean v) { sizeToData = v; return this; }
        /**
         * Flow auto selection: at fit time, train the candidate families (MAF_MOG, MAF, REALNVP), sizes and MAF_MOG
         * mixture sizes on the same split within {@code budget}, by successive halving at equal epochs, and keep
         * the lowest validation NLL ({@link AutoSelection}); overrides {@link #flowType}. A zero budget trains only
         * the first candidate (MAF_MOG) for one epoch; null turns it off.
         */
        public Builder autoSelect(Duration budget) { autoBudget = budget; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder features(List<String> v) { features = new ArrayList<>(v); return this; }
        public Builder integerFeatures(Set<String> v) { integerFeatures = new LinkedHashSet<>(v); return this; }
        public Builder log1pFeatures(Set<String> v) { log1pFeatures = new LinkedHashSet<>(v); return this; }
        public Builder categoricalContext(List<String> v) { categoricalContext = new ArrayList<>(v); return this; }
        public Builder cyclicContext(List<CyclicField> v) { cyclicContext = new ArrayList<>(v); return this; }
        public Builder numericContext(List<String> v) { numericContext = new ArrayList<>(v); return this; }
        public Builder maxVocabulary(int v) { maxVocabulary = v; return this; }
        public Builder levels(List<AlertLevel> v) { levels = new ArrayList<>(v); return this; }
        public Builder minContextSamples(int v) { minContextSamples = v; return this; }
        public Builder trainFraction(double v) { trainFraction = v; return this; }
        public Builder validationFraction(double v) { validationFraction = v; return this; }
        /** See {@link FitConfig#contamination()}. */
        public Builder contamination(double v) { contamination = v; return this; }
        /** See {@link FitConfig#calibrateOnValidation()}; false restores calibration on the hold-out only. */
        public Builder calibrateOnValidation(boolean v) { calibrateOnValidation = v; return this; }
        /** See {@link FitConfig#components()}: K of the MAF_MOG mixture base, 1 to {@link FlowSpec#MAX_COMPONENTS}. */
        public Builder components(int v) { components = v; return this; }
        /** See {@link FitConfig#missing()}: feature → IMPUTE or SKIP (DEAD_LETTER features are not listed). */
        public Builder missing(Map<String, MissingPolicy> v) { missing = new LinkedHashMap<>(v); return this; }
        /** See {@link FitConfig#engine()}. */
        public Builder engine(TrainingEngine v) { engine = java.util.Objects.requireNonNull(v, "engine"); return this; }

        public FitConfig build() {
            return new FitConfig(this);
        }
    }

    /** A builder holding every setting of this configuration (unset size-dependent settings stay unset). */
    public Builder toBuilder() {
        Builder b = builder().flowType(flowType).actNorm(actNorm).permutation(permutation).ordering(ordering)
                .additive(additive).scaleClamp(scaleClamp).batchSize(batchSize).learningRate(learningRate)
                .seed(seed).features(features).integerFeatures(integerFeatures).log1pFeatures(log1pFeatures)
                .categoricalContext(categoricalContext).cyclicContext(cyclicContext).numericContext(numericContext)
                .maxVocabulary(maxVocabulary).levels(levels).minContextSamples(minContextSamples)
                .trainFraction(trainFraction).validationFraction(validationFraction).sizeToData(sizeToData)
                .autoSelect(autoBudget).contamination(contamination).missing(missing).engine(engine)
                .calibrateOnValidation(calibrateOnValidation);
        b.luLinear = luLinearSetting;
        b.components = components;
        b.sizing = sizing;
        b.blocks = explicit.contains(Sized.BLOCKS) ? blocks : null;
        b.hidden = explicit.contains(Sized.HIDDEN) ? hidden.clone() : null;
        b.epochs = explicit.contains(Sized.EPOCHS) ? epochs : null;
        b.patience = explicit.contains(Sized.PATIENCE) ? patience : null;
        b.weightDecay = explicit.contains(Sized.WEIGHT_DECAY) ? weightDecay : null;
        return b;
    }

    /**
     * This configuration with every size-dependent setting the user did not give chosen by {@link SizeRule} for
     * {@code validRows} rows (of which {@link #trainFraction()} train the flow), {@code featureCount} features and
     * {@code contextDim} encoded context dimensions; with {@code sizeToData(false)}, the fixed defaults. The result
     * records how ({@code describe().get("sizing")}) and counts every size setting as given.
     */
    public FitConfig sizedFor(long validRows, int featureCount, int contextDim) {
        Builder b = toBuilder();
        if (!sizeToData) {
            b.sizing = "fixed defaults";
        } else {
            SizeRule.Sizing s = SizeRule.forRows(validRows, trainFraction, featureCount, contextDim);
            b.blocks = b.blocks != null ? b.blocks : s.size().blocks();
            b.hidden = b.hidden != null ? b.hidden : s.size().hidden();
            b.epochs = b.epochs != null ? b.epochs : s.epochs();
            b.patience = b.patience != null ? b.patience : s.patience();
            b.weightDecay = b.weightDecay != null ? b.weightDecay : s.weightDecay();
            b.sizing = explicit.isEmpty() ? s.describe() : s.describe() + "; set by the user: " + explicit;
        }
        b.blocks = b.blocks != null ? b.blocks : blocks;
        b.hidden = b.hidden != null ? b.hidden : hidden.clone();
        b.epochs = b.epochs != null ? b.epochs : epochs;
        b.patience = b.patience != null ? b.patience : patience;
        b.weightDecay = b.weightDecay != null ? b.weightDecay : weightDecay;
        return b.build();
    }
}
