package io.normalcy.demo;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URL;
import java.util.concurrent.Callable;

/**
 * {@code bin/demo}: the whole Normalcy pipeline in one command. Without {@code --bootstrap-servers} it starts Apache
 * Kafka's own KRaft broker in this JVM, so a machine with only a JDK runs it; with it, the same run goes against an
 * existing cluster. The trainer and the detector run as Micronaut applications in this JVM, each in its own class
 * loader, and the demo talks to them only through Kafka topics and HTTP, like any client.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the Normalcy demo end to end: trains a conditional normalizing flow on a synthetic "
                + "payments stream, scores the rest, retrains through the retrain topic mid-stream (hot swap) and "
                + "compares the alerts with the injected anomalies."})
public final class DemoApplication implements Callable<Integer> {
    /** Logging configuration for the demo and both services: WARN for frameworks, INFO for the demo. */
    static final String LOGBACK = "normalcy-demo-logback.xml";

    /** The demo's scenarios: the payments stream (FeatureVectors) or raw JSON host metrics through a mapping. */
    enum Scenario { payments, metrics }

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "payments",
            description = "payments (default): FeatureVectors, a retrain and a hot swap; metrics: raw JSON host "
                    + "metrics on a plain topic through a mapping, one model on the raw values and one with derived "
                    + "per-host features, compared on injected spikes and level shifts.")
    Scenario scenario;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Existing Kafka cluster; default: start an in-JVM KRaft broker.")
    String bootstrapServers;

    @Option(names = "--producer-only", description = "Only produce the event stream (history, one retrain request, "
            + "then real-time events) for trainer and detector running elsewhere, e.g. docker-compose.")
    boolean producerOnly;

    @Option(names = "--records", paramLabel = "N", description = "Events in the scored stream (default "
            + DemoOptions.RECORDS + ", --quick " + DemoOptions.QUICK_RECORDS + "; with --producer-only: stop after N "
            + "streamed events, default never).")
    Integer records;

    @Option(names = "--history", paramLabel = "N", description = "Events to train on (default " + DemoOptions.HISTORY
            + ", --quick " + DemoOptions.QUICK_HISTORY + ").")
    Integer history;

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum training epochs per model version (default "
            + DemoOptions.EPOCHS + ", --quick " + DemoOptions.QUICK_EPOCHS + ").")
    Integer epochs;

    @Option(names = "--anomaly-rate", paramLabel = "R", defaultValue = "0.01",
            description = "Share of injected anomalies in the stream (default: ${DEFAULT-VALUE}).")
    double anomalyRate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the events and the training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--scores-csv", paramLabel = "FILE",
            description = "Also write every scored stream event (features, truth, model version, severity, the model's "
                    + "and the generator's exact log-density) to this CSV file.")
    java.nio.file.Path scoresCsv;

    @Option(names = "--quick", description = "Smaller sizes and fewer epochs (about half the time).")
    boolean quick;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "20",
            description = "With --producer-only: streamed events per second (default: ${DEFAULT-VALUE}).")
    double rate;

    private final PrintStream out;
    private DemoSummary summary;
    private MetricsSummary metricsSummary;

    public DemoApplication() {
        this(System.out);
    }

    DemoApplication(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        configureLogging();
        int code = new CommandLine(new DemoApplication()).execute(args);
        System.exit(code);
    }

    /**
     * Runs the demo with command-line arguments and returns its summary (null for --producer-only or on failure);
     * what {@code DemoIT} calls.
     */
    static DemoSummary run(PrintStream out, String... args) {
        configureLogging();
        DemoApplication app = new DemoApplication(out);
        int code = new CommandLine(app).execute(args);
        if (code != 0) {
            throw new DemoException("the demo exited with code " + code);
        }
        return app.summary;
    }

    /** Runs {@code --scenario metrics} with command-line arguments and returns its summary; what the tests call. */
    static MetricsSummary runMetrics(PrintStream out, String... args) {
        configureLogging();
        DemoApplication app = new DemoApplication(out);
        String[] all = java.util.stream.Stream.concat(java.util.stream.Stream.of("--scenario", "metrics"),
                java.util.Arrays.stream(args)).toArray(String[]::new);
        int code = new CommandLine(app).execute(all);
        if (code != 0) {
            throw new DemoException("the demo exited with code " + code);
        }
        return app.metricsSummary;
    }

    /**
     * Points every logback instance of the JVM (the demo's and each service's class loader) at the demo's
     * configuration, unless the user chose one.
     */
    static void configureLogging() {
        if (System.getProperty("logback.configurationFile") == null) {
            URL config = DemoApplication.class.getClassLoader().getResource(LOGBACK);
            if (config != null) {
                System.setProperty("logback.configurationFile", config.toString());
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        Console console = new Console(out);
        try {
            if (producerOnly) {
                if (bootstrapServers == null) {
                    throw new DemoException("--producer-only needs --bootstrap-servers (the cluster the services use)");
                }
                ProducerOnly.run(bootstrapServers, history != null ? history : DemoOptions.HISTORY, anomalyRate, seed,
                        rate, records == null ? null : records.longValue(), console);
                return 0;
            }
            if (scenario == Scenario.metrics) {
                return runMetrics(console);
            }
            DemoOptions options = new DemoOptions(bootstrapServers,
                    history != null ? history : quick ? DemoOptions.QUICK_HISTORY : DemoOptions.HISTORY,
                    records != null ? records : quick ? DemoOptions.QUICK_RECORDS : DemoOptions.RECORDS,
                    anomalyRate, seed, epochs != null ? epochs : quick ? DemoOptions.QUICK_EPOCHS : DemoOptions.EPOCHS,
                    scoresCsv);
            console.line("Normalcy demo: %,d history + %,d stream events, %.1f%% anomalies, seed %d, up to %d epochs",
                    options.history(), options.records(), 100 * options.anomalyRate(), options.seed(), options.epochs());
            summary = new DemoRun(options, console).run(s -> console.raw(s.format()));
            return summary.allAccounted() ? 0 : 1;
        } catch (DemoException | IllegalArgumentException | IllegalStateException e) {
            out.println("demo failed: " + e.getMessage());
            return 2;
        }
    }

    /** The metrics scenario: its own default sizes (whole simulated days of 50 hosts every 15 minutes). */
    private int runMetrics(Console console) throws Exception {
        if (producerOnly) {
            throw new DemoException("--producer-only is for the payments scenario");
        }
        DemoOptions options = new DemoOptions(bootstrapServers,
                history != null ? history : quick ? METRICS_QUICK_HISTORY : METRICS_HISTORY,
                records != null ? records : quick ? METRICS_QUICK_RECORDS : METRICS_RECORDS,
                anomalyRate, seed, epochs != null ? epochs : quick ? DemoOptions.QUICK_EPOCHS : DemoOptions.EPOCHS,
                null);
        console.line("Normalcy demo, scenario metrics: %,d history + %,d stream records, %.1f%% spikes, %d level "
                        + "shifts, seed %d, up to %d epochs", options.history(), options.records(),
                100 * options.anomalyRate(), MetricsRun.SHIFTS, options.seed(), options.epochs());
        metricsSummary = new MetricsRun(options, console).run();
        console.raw(metricsSummary.format());
        return metricsSummary.allScored() ? 0 : 1;
    }

    /** Three simulated days of history and one of stream; --quick: two and two thirds. */
    static final int METRICS_HISTORY = 14_400;
    static final int METRICS_RECORDS = 4_800;
    static final int METRICS_QUICK_HISTORY = 9_600;
    static final int METRICS_QUICK_RECORDS = 3_200;
}
