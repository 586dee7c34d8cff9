package io.normalcy.flow.cli;

import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.preprocess.ContextSpec.CyclicField;
import io.normalcy.flow.fit.AutoCandidate;
import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.FitResult;
import io.normalcy.flow.fit.ModelFitter;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.fit.ThresholdBand;
import io.normalcy.flow.model.ContextThreshold;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.flow.state.ModelFiles;
import io.normalcy.flow.train.EpochStats;
import io.normalcy.flow.train.ProgressListener;
import io.normalcy.flow.train.TrainingEngine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code normalcy fit}: train a conditional flow on a CSV and write the calibrated model as an Avro file. */
@Command(name = "fit", mixinStandardHelpOptions = true,
        description = "Train a conditional normalizing flow on a CSV file (header row required).")
final class FitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, description = "Training CSV file.")
    Path input;

    @Option(names = "--output", required = true, description = "Model file to write (.avro).")
    Path output;

    @Option(names = "--features", required = true, split = ",", description = "Feature columns, in flow order.")
    List<String> features;

    @Option(names = "--context", split = ",", description = "Categorical context columns (one-hot + unknown slot).")
    List<String> context = new ArrayList<>();

    @Option(names = "--cyclic", split = ",", paramLabel = "COL:PERIOD",
            description = "Cyclic numeric context columns with their period, e.g. hour:24; or @hourOfDay / "
                    + "@dayOfWeek (from --time-column).")
    List<String> cyclic = new ArrayList<>();

    @Option(names = "--numeric-context", split = ",", description = "Numeric context columns (standardised).")
    List<String> numericContext = new ArrayList<>();

    @Option(names = "--time-column", description = "Event time column (ISO-8601, 2014-07-01 00:00:00 in "
            + "--time-zone, a date, epoch seconds or millis); adds @hourOfDay and @dayOfWeek context unless --cyclic "
            + "names calendar parts explicitly.")
    String timeColumn;

    @Mixin
    TimeZoneOption timeZone;

    @Option(names = "--integer", split = ",", description = "Integer-valued features (dequantized).")
    List<String> integer = new ArrayList<>();

    @Option(names = "--log1p", split = ",", description = "Features to log1p-transform (need min >= 0).")
    List<String> log1p = new ArrayList<>();

    @Option(names = "--flow", defaultValue = "maf-mog", description = "maf-mog (MAF with a mixture-of-Gaussians"
            + " base: exact per-feature conditionals, multi-modal ones too), maf, realnvp, or auto (maf-mog, maf,"
            + " realnvp, maf-mog with 8 components unless --components is set, and maf-mog one size smaller unless"
            + " --blocks/--hidden are set, compared by successive halving at equal epochs within --auto-budget; the"
            + " best trains on to its early stop) (default: ${DEFAULT-VALUE}).")
    String flow;

    @Option(names = "--contamination", paramLabel = "SHARE", description = "Expected share of anomalies in the"
            + " history, 0 to 0.2: after a first fit, that share of the training rows with the lowest log-density is"
            + " dropped and training continues on the rest (default: 0, keep every row).")
    Double contamination;

    @Option(names = "--components", paramLabel = "K", description = "Mixture components per conditional of the"
            + " maf-mog base, 1 to 64 (default: 3); more fit more modes and cost ~0.7 µs per record each. Ignored by"
            + " maf and realnvp.")
    Integer components;

    @Option(names = "--engine", defaultValue = "auto", description = "How training computes gradients: auto (the"
            + " hand-written pass, ~3x faster, parity-tested against the graph), manual, or samediff (SameDiff's graph,"
            + " e.g. on a backend the manual pass is not verified on) (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--auto-budget", defaultValue = "10m", paramLabel = "DURATION", description = "Time budget of"
            + " --flow auto, e.g. 90s, 10m, 1h or PT10M. The whole plan takes about two full trainings; a smaller"
            + " budget compares at fewer epochs or skips candidates and the fit prints a warning with the budget that"
            + " would do; 0 trains only the first candidate for one epoch (default: ${DEFAULT-VALUE}).")
    String autoBudget;

    @Option(names = "--ordering", defaultValue = "natural", description = "MAF autoregressive order: natural (exact "
            + "per-feature explanations), alternating or random (better fit of a multi-modal first feature) "
            + "(default: ${DEFAULT-VALUE}).")
    String ordering;

    @Option(names = "--epochs", description = "Maximum epochs (default: from the data size, 10..200; early stopping"
            + " on validation).")
    Integer epochs;

    @Option(names = "--blocks", description = "Flow blocks (default: from the data size, 2..6).")
    Integer blocks;

    @Option(names = "--hidden", split = ",", description = "Hidden layer widths (default: from the data size,"
            + " 16,16 .. 128,128).")
    List<Integer> hidden;

    @Option(names = "--patience", description = "Early-stopping patience in epochs (default: from the data size,"
            + " 5..20).")
    Integer patience;

    @Option(names = "--weight-decay", description = "Decoupled weight decay (default: from the data size,"
            + " 1e-5..1e-2).")
    Double weightDecay;

    @Option(names = "--fixed-defaults", description = "Unset sizes keep the fixed defaults (4 blocks of 64,64,"
            + " 50 epochs, patience 5, weight decay 1e-5) instead of following the data size.")
    boolean fixedDefaults;

    @Option(names = "--batch-size", description = "Batch size (default 256).")
    Integer batchSize;

    @Option(names = "--learning-rate", description = "Peak Adam learning rate (default 1e-3).")
    Double learningRate;

    @Option(names = "--min-context-samples", description = "Held-out rows a context value needs for its own"
            + " threshold (default 500).")
    Integer minContextSamples;

    @Option(names = "--calibrate-on-validation", arity = "1", defaultValue = "true", paramLabel = "true|false",
            description = "Calibrate thresholds, tails, bands and typical contributions on the held-out rows and the"
                    + " validation rows together (more rows, tighter rare levels); false keeps them on the held-out"
                    + " rows alone, which neither training nor early stopping saw, e.g. for an audit"
                    + " (default: ${DEFAULT-VALUE}).")
    boolean calibrateOnValidation;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--name", defaultValue = "model", description = "Model name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--init-from", paramLabel = "MODEL_FILE", description = "Warm start: begin from this model's"
            + " weights, preprocessing and context encoding when its architecture, seed, features and context match"
            + " (otherwise the fit starts cold and says why).")
    Path initFrom;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        FitConfig config = config();
        NormalcyModel warmFrom = initFrom == null ? null : ModelFiles.load(initFrom);
        CsvTable table = CsvTable.read(input);
        List<CyclicField> cyc = config.cyclicContext();
        InputColumns columns = new InputColumns(table, features, context,
                ContextSpec.numericSources(cyc, numericContext), timeColumn, timeZone.parser());
        List<RawRecord> rows = columns.records();
        if (rows.isEmpty()) {
            throw new CliException(table.fileName() + ": no data rows");
        }
        out.printf(Locale.ROOT, "fitting %s on %d rows of %s (%d features, %s)%n", name, rows.size(),
                table.fileName(), features.size(), config.autoSelect() ? "flow auto, budget " + config.autoBudget()
                        : config.flowType());
        out.printf(Locale.ROOT, "%6s %12s %12s %12s%s%n", "epoch", "train NLL", "val NLL", "samples/s",
                config.autoSelect() ? "  candidate" : "");
        FitResult result = new ModelFitter().fit(name, 1L, rows, config, new EpochLines(out), warmFrom);
        NormalcyModel model = result.model();
        out.printf(Locale.ROOT, "sizing: %s%n", model.provenance().config().get("sizing"));
        printCandidates(out, result.autoCandidates());
        if (model.provenance().config().containsKey("autoWarning")) {
            out.printf(Locale.ROOT, "warning: %s%n", model.provenance().config().get("autoWarning"));
        }
        if (warmFrom != null) {
            out.printf(Locale.ROOT, "warm start: %s%n", model.provenance().config().get("warmStart"));
        }
        if (model.provenance().config().containsKey("contamination")) {
            out.printf(Locale.ROOT, "contamination %s%n", model.provenance().config().get("contamination"));
        }
        ModelFiles.save(output, model);
        out.printf(Locale.ROOT, "held-out mean log-density %.4f nats (%d rows), skipped %d rows%n",
                result.heldOutMeanLogDensity(), model.provenance().validationCount(),
                model.provenance().skippedCount());
        printThresholds(out, model);
        printFewExceedances(out, result.fewExceedanceBands());
        out.printf(Locale.ROOT, "wrote %s%n", output);
        return 0;
    }

    FitConfig config() {
        FitConfig.Builder b = FitConfig.builder().seed(seed).features(features)
                .integerFeatures(new LinkedHashSet<>(integer)).log1pFeatures(new LinkedHashSet<>(log1p))
                .categoricalContext(context).numericContext(numericContext).cyclicContext(cyclicContexts());
        switch (flow.toLowerCase(Locale.ROOT)) {
            case "maf-mog", "maf_mog" -> b.flowType(FlowType.MAF_MOG);
            case "maf" -> b.flowType(FlowType.MAF);
            case "realnvp" -> b.flowType(FlowType.REALNVP);
            case "auto" -> b.autoSelect(DurationOption.parse("--auto-budget", autoBudget));
            default -> throw new CliException("--flow must be maf-mog, maf, realnvp or auto, got '" + flow + "'");
        }
        try {
            b.ordering(Ordering.valueOf(ordering.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new CliException("--ordering must be natural, alternating or random, got '" + ordering + "'");
        }
        if (epochs != null) {
            b.epochs(epochs);
        }
        if (blocks != null) {
            b.blocks(blocks);
        }
        if (hidden != null) {
            b.hidden(hidden.stream().mapToInt(Integer::intValue).toArray());
        }
        if (patience != null) {
            b.patience(patience);
        }
        if (weightDecay != null) {
            b.weightDecay(weightDecay);
        }
        b.sizeToData(!fixedDefaults);
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        if (minContextSamples != null) {
            b.minContextSamples(minContextSamples);
        }
        if (contamination != null) {
            b.contamination(contamination);
        }
        if (components != null) {
            b.components(components);
        }
        b.engine(engine(engine));
        b.calibrateOnValidation(calibrateOnValidation);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage().replace("invalid fit configuration: ", ""));
        }
    }

    private List<CyclicField> cyclicContexts() {
        List<CyclicField> out = new ArrayList<>();
        boolean calendar = false;
        for (String c : cyclic) {
            if (ContextSpec.isCalendarSource(c)) {
                calendar = true;
                if (timeColumn == null) {
                    throw new CliException("--cyclic " + c + " needs --time-column");
                }
                String[] parts = c.split(":", 2);
                CyclicField f = ContextSpec.calendarField(parts[0]).orElseThrow(() -> new CliException(
                        "--cyclic: unknown calendar part '" + parts[0] + "' (known: @hourOfDay, @dayOfWeek)"));
                out.add(parts.length == 1 ? f : new CyclicField(f.name(), f.source(), period(c, parts[1])));
                continue;
            }
            int colon = c.lastIndexOf(':');
            if (colon <= 0 || colon == c.length() - 1) {
                throw new CliException("--cyclic expects COLUMN:PERIOD (e.g. hour:24), got '" + c + "'");
            }
            out.add(new CyclicField(c.substring(0, colon), c.substring(0, colon), period(c, c.substring(colon + 1))));
        }
        if (timeColumn != null && !calendar) {
            out.add(ContextSpec.calendarField(ContextSpec.HOUR_OF_DAY).orElseThrow());
            out.add(new CyclicField("dayOfWeek", ContextSpec.DAY_OF_WEEK, 7));
        }
        return out;
    }

    private static double period(String arg, String text) {
        try {
            double p = Double.parseDouble(text);
            if (p > 0 && Double.isFinite(p)) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new CliException("--cyclic " + arg + ": period must be a number > 0, got '" + text + "'");
    }

    /** The flow auto selection's comparison, one candidate per line (nothing without auto selection). */
    static void printCandidates(PrintWriter out, List<AutoCandidate> candidates) {
        if (candidates.isEmpty()) {
            return;
        }
        out.println("flow auto: candidates (validation NLL in flow space, lower is better; successive halving at"
                + " equal epochs):");
        for (AutoCandidate c : candidates) {
            if (c.trained()) {
                out.printf(Locale.ROOT, "  %-30s %12.4f %4d epochs %8.1f s  %s%n", c.label(), c.validationNll(),
                        c.epochs(), c.millis() / 1000.0, c.chosen() ? "<- chosen" : c.note());
            } else {
                out.printf(Locale.ROOT, "  %-30s %12s (%s)%n", c.label(), "not trained", c.note());
            }
        }
    }

    /**
     * One line per epoch; under flow auto each ends with its candidate's label, because successive halving trains
     * the candidates by turns and their lines interleave.
     */
    record EpochLines(PrintWriter out) implements ProgressListener {
        @Override
        public void onEpoch(EpochStats s) {
            print(s, "");
        }

        @Override
        public void onCandidateEpoch(String candidate, EpochStats s) {
            print(s, "  " + candidate);
        }

        private void print(EpochStats s, String suffix) {
            out.printf(Locale.ROOT, "%6d %12.4f %12.4f %12.0f%s%n", s.epoch(), s.trainNll(), s.valNll(),
                    s.samplesPerSecond(), suffix);
            out.flush();
        }
    }

    /**
     * The thresholds that rest on few held-out exceedances, each with the rate band its bootstrap interval implies,
     * so an operator knows how far the observed rate may stray from the level (nothing when none does).
     */
    static void printFewExceedances(PrintWriter out, List<ThresholdBand> few) {
        if (few.isEmpty()) {
            return;
        }
        out.println("thresholds on few held-out exceedances (95 % bootstrap band of the alert rate):");
        few.forEach(b -> out.printf(Locale.ROOT, "  %s%n", b.note()));
    }

    static void printThresholds(PrintWriter out, NormalcyModel model) {
        out.println("thresholds (log-density below which an event is flagged):");
        for (ThresholdLevel l : model.thresholds().levels()) {
            out.printf(Locale.ROOT, "  %-8s level %-6s global %10.4f (n=%d)%n", l.severity(), l.level(), l.global(),
                    l.globalCount());
            for (Map.Entry<String, Map<String, ContextThreshold>> f : l.perContext().entrySet()) {
                for (Map.Entry<String, ContextThreshold> v : f.getValue().entrySet()) {
                    ContextThreshold t = v.getValue();
                    out.printf(Locale.ROOT, "    %s=%s %10.4f (n=%d%s)%n", f.getKey(), v.getKey(), t.threshold(),
                            t.count(), t.fallback() ? ", fallback to global" : "");
                }
            }
            l.perCombination().forEach((c, t) -> out.printf(Locale.ROOT, "    %s %10.4f (n=%d%s)%n", c.scope(),
                    t.threshold(), t.count(), t.fallback() ? ", not used" : ""));
        }
    }

    private static TrainingEngine engine(String s) {
        try {
            return TrainingEngine.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException("--engine must be auto, manual or samediff, got '" + s + "'");
        }
    }
}
