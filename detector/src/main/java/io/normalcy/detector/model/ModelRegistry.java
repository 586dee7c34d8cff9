package io.normalcy.detector.model;

import io.normalcy.detector.metrics.DetectorMetrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest accepted version of every model, shared by the global model-store processor (writer) and all
 * stream tasks (readers). Each entry is an immutable {@link LoadedModel}, replaced atomically
 * ({@link ConcurrentHashMap#compute}), so a scoring thread sees either the old or the new version, never a mix,
 * and swaps need no restart and no lock on the scoring path. Versions only move forward.
 */
public final class ModelRegistry {
    private final ConcurrentHashMap<String, LoadedModel> models = new ConcurrentHashMap<>();
    /** Per model: identity (hash) of the global-store value that failed to load, so it is not retried per record. */
    private final ConcurrentHashMap<String, Integer> failedStoreValues = new ConcurrentHashMap<>();
    private final DetectorMetrics metrics;

    public ModelRegistry(DetectorMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The version in use for {@code name}, or null. */
    public LoadedModel get(String name) {
        return models.get(name);
    }

    /**
     * Installs {@code candidate} if it is newer than the version in use.
     *
     * @return true when it was installed (a swap, or the first version of the model)
     */
    public boolean offer(LoadedModel candidate) {
        String name = candidate.name();
        boolean[] installed = {false};
        boolean[] first = {false};
        models.compute(name, (k, current) -> {
            if (current == null || candidate.version() > current.version()) {
                installed[0] = true;
                first[0] = current == null;
                return candidate;
            }
            return current;
        });
        if (installed[0]) {
            failedStoreValues.remove(name);
            metrics.swapped(name);
            if (first[0]) {
                metrics.modelVersionGauge(name, this, r -> r.versionOf(name));
            }
        }
        return installed[0];
    }

    /** Whether a version ≥ {@code version} of {@code name} is in use (then a record of that version is stale). */
    public boolean hasAtLeast(String name, long version) {
        LoadedModel m = models.get(name);
        return m != null && m.version() >= version;
    }

    /** Removes a model (tombstone on the models topic): its records are parked until a new version arrives. */
    public void remove(String name) {
        models.remove(name);
        failedStoreValues.remove(name);
    }

    /** Version in use, NaN when none (gauge). */
    public double versionOf(String name) {
        LoadedModel m = models.get(name);
        return m == null ? Double.NaN : m.version();
    }

    /** Everything in use, by name. */
    public List<LoadedModel> all() {
        List<LoadedModel> list = new ArrayList<>(models.values());
        list.sort(Comparator.comparing(LoadedModel::name));
        return list;
    }

    /** Forgets all models, as after a process restart (tests of the store fallback). */
    public void clear() {
        models.clear();
        failedStoreValues.clear();
    }

    boolean alreadyFailed(String name, int valueHash) {
        Integer h = failedStoreValues.get(name);
        return h != null && h == valueHash;
    }

    void markFailed(String name, int valueHash) {
        failedStoreValues.put(name, valueHash);
    }
}
