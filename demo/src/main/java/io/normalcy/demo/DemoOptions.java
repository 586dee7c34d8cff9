package io.normalcy.demo;

/**
 * Settings of one demo run.
 *
 * @param bootstrapServers existing cluster, or null for the in-JVM broker
 * @param history          events produced before the first training (the model learns from them)
 * @param records          events of the scored stream
 * @param anomalyRate      share of injected anomalies in the scored stream
 * @param seed             seed of the event stream and of the training
 * @param epochs           maximum training epochs of each model version
 * @param scoresCsv        file to write every scored stream event to, with its truth, or null
 */
public record DemoOptions(String bootstrapServers, int history, int records, double anomalyRate, long seed,
                          int epochs, java.nio.file.Path scoresCsv) {

    /** Default sizes: about three minutes on 2 cores. */
    public static final int HISTORY = 24_000;
    public static final int RECORDS = 20_000;
    public static final int EPOCHS = 10;
    /** {@code --quick}: smaller stream and shorter training, for tests. */
    public static final int QUICK_HISTORY = 12_000;
    public static final int QUICK_RECORDS = 8_000;
    public static final int QUICK_EPOCHS = 8;

    public DemoOptions {
        if (history < 1_000) {
            throw new IllegalArgumentException("--history must be at least 1000 (the model needs data), got " + history);
        }
        if (records < 100) {
            throw new IllegalArgumentException("--records must be at least 100, got " + records);
        }
        if (!(anomalyRate >= 0 && anomalyRate < 0.5)) {
            throw new IllegalArgumentException("--anomaly-rate must be in [0, 0.5), got " + anomalyRate);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        }
    }
}
