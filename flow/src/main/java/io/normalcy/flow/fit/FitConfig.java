package io.normalcy.flow.fit;

import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.PermutationMode;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.preprocess.ContextSpec.CyclicField;
import java.util.ArrayList;
import java.util.Arrays;
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
 * a multi-modal first feature), 4 blocks of 2×64 hidden units with ActNorm, K = 3 components, Adam at 1e-3, batch 256, up to 50 epochs with early stopping (patience 5) on a 10% validation split,
 * and 20% held out for threshold calibration (0.01 → WARNING, 0.001 → CRITICAL).
 */
public final class FitConfig {
    private final FlowType flowType;
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

    private FitConfig(Builder b) {
        flowType = b.flowType;
        blocks = b.blocks;
        hidden = b.hidden.clone();
        actNorm = b.actNorm;
        luLinear = b.luLinear == null ? flowType == FlowType.REALNVP : b.luLinear;
        permutation = b.permutation;
        ordering = b.ordering;
        additive = b.additive;
        scaleClamp = b.scaleClamp;
        epochs = b.epochs;
        batchSize = b.batchSize;
        learningRate = b.learningRate;
        patience = b.patience;
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
        require(maxVocabulary >= 1, "maxVocabulary must be >= 1, got " + maxVocabulary);
        require(minContextSamples >= 1, "minContextSamples must be >= 1, got " + minContextSamples);
        require(trainFraction > 0 && trainFraction < 1, "trainFraction must be in (0, 1), got " + trainFraction);
        require(validationFraction > 0 && trainFraction + validationFraction < 1,
                "validationFraction must be > 0 and leave a calibration split (train + validation < 1), got "
                        + trainFraction + " + " + validationFraction);
        require(new HashSet<>(features).size() == features.size(), "duplicate feature names: " + features);
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
        m.put("epochs", Integer.toString(epochs));
        m.put("batchSize", Integer.toString(batchSize));
        m.put("learningRate", Double.toString(learningRate));
        m.put("patience", Integer.toString(patience));
        m.put("seed", Long.toString(seed));
        m.put("minContextSamples", Integer.toString(minContextSamples));
        m.put("trainFraction", Double.toString(trainFraction));
        m.put("validationFraction", Double.toString(validationFraction));
        m.put("maxVocabulary", Integer.toString(maxVocabulary));
        return m;
    }

    @Override
    public String toString() {
        return "FitConfig" + describe();
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private FlowType flowType = FlowType.MAF_MOG;
        private int blocks = 4;
        private int[] hidden = {64, 64};
        private boolean actNorm = true;
        private Boolean luLinear;
        private PermutationMode permutation = PermutationMode.NONE;
        private Ordering ordering = Ordering.NATURAL;
        private boolean additive;
        private double scaleClamp = 3.0;
        private int epochs = 50;
        private int batchSize = 256;
        private double learningRate = 1e-3;
        private int patience = 5;
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

        private Builder() {
        }

        public Builder flowType(FlowType v) { flowType = java.util.Objects.requireNonNull(v, "flowType"); return this; }
        public Builder blocks(int v) { blocks = v; return this; }
        public Builder hidden(int... v) { hidden = v.clone(); return this; }
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

        public FitConfig build() {
            return new FitConfig(this);
        }
    }
}
