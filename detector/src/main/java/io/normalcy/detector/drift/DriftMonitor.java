package io.normalcy.detector.drift;

import io.normalcy.detector.config.DriftSettings;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when a model no longer fits its traffic, so the detector can ask for a retrain without a person.
 * Per model it keeps a sliding window of the last N records (count-based: the number of records behind each
 * decision is fixed whatever the traffic rate) of two signals and declares drift when
 * <ul>
 *   <li>the fraction of records at or above WARNING exceeds k × the warning quantile level — with calibrated
 *   quantile thresholds a stationary stream raises about {@code level} of them; or</li>
 *   <li>the window's mean log-density differs from the held-out mean (−validationNll) by more than Δ nats.</li>
 * </ul>
 * The window restarts when the model version changes (new thresholds, new baseline), and a model gets at most
 * one request per rate-limit interval of event time. Shared by all stream tasks of a JVM (one window per model
 * across partitions); thread-safe. The state is in memory: after a restart the window refills first.
 */
public final class DriftMonitor {
    private final DriftSettings settings;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public DriftMonitor(DriftSettings settings) {
        this.settings = settings;
    }

    /**
     * Adds one scored record.
     *
     * @param expectedRate   warning quantile level of the version (NaN when it has no thresholds)
     * @param baselineMean   held-out mean log-density of the version (NaN when unknown)
     * @param flagged        whether the record was at or above WARNING (before cool-down)
     * @return the drift to request a retrain for now; empty while the model fits, before {@code min-records}
     *         and within the rate limit
     */
    public Optional<Drift> observe(String model, long version, double expectedRate, double baselineMean, boolean flagged,
                          double logDensity, long eventTime) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        Window w = windows.get(model); // the window exists after a model's first record: no lambda per record
        if (w == null) {
            w = windows.computeIfAbsent(model, m -> new Window(settings.windowSize()));
        }
        synchronized (w) {
            if (w.version != version) {
                w.reset(version);
            }
            w.add(flagged, logDensity);
            if (w.size < settings.minRecords()) {
                return Optional.empty();
            }
            Drift drift = null;
            double rate = (double) w.flagged / w.size;
            if (expectedRate > 0 && rate > settings.rateFactor() * expectedRate) {
                drift = new Drift(Drift.Kind.ALERT_RATE, String.format(Locale.ROOT, "drift: alert rate %.4f over the last %d records > %.1f x "
                        + "expected %.4f", rate, w.size, settings.rateFactor(), expectedRate));
            } else if (settings.meanShift() > 0 && Double.isFinite(baselineMean)) {
                double mean = w.sum / w.size;
                if (Math.abs(mean - baselineMean) > settings.meanShift()) {
                    drift = new Drift(Drift.Kind.MEAN_SHIFT, String.format(Locale.ROOT, "drift: mean log-density %.3f over the last %d records "
                            + "differs from the held-out mean %.3f by more than %.3f nats", mean, w.size,
                            baselineMean, settings.meanShift()));
                }
            }
            if (drift == null) {
                return Optional.empty();
            }
            if (w.lastRequest != Long.MIN_VALUE && eventTime - w.lastRequest < settings.rateLimit().toMillis()) {
                return Optional.empty();
            }
            w.lastRequest = eventTime;
            return Optional.of(drift);
        }
    }

    /** Ring buffer of the last N flags and log-densities with running sums. Guarded by its monitor. */
    private static final class Window {
        final boolean[] flags;
        final double[] densities;
        long version = Long.MIN_VALUE;
        int next;
        int size;
        int flagged;
        double sum;
        long lastRequest = Long.MIN_VALUE;

        Window(int n) {
            flags = new boolean[n];
            densities = new double[n];
        }

        void reset(long v) {
            version = v;
            next = 0;
            size = 0;
            flagged = 0;
            sum = 0;
        }

        void add(boolean flag, double density) {
            if (size == flags.length) {
                if (flags[next]) {
                    flagged--;
                }
                sum -= densities[next];
            } else {
                size++;
            }
            flags[next] = flag;
            densities[next] = density;
            if (flag) {
                flagged++;
            }
            sum += density;
            next = (next + 1) % flags.length;
        }
    }
}
