package io.normalcy.detector.model;

import io.normalcy.detector.metrics.DetectorMetrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The version of every model the detector serves, shared by the global model-store processor (writer, the
 * authority: it applies the {@link ModelLedger}'s decision) and all stream tasks (readers). Each entry is an
 * immutable {@link LoadedModel}, replaced atomically, so a scoring thread sees either the old or the new version,
 * never a mix, and swaps need no restart and no lock on the scoring path. Which version is right is the ledger's
 * business (newest accepted, or pinned); the registry only holds it.
 */
public final class ModelRegistry {
    private final ConcurrentHashMap<String, LoadedModel> models = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ModelLedger.Serving> serving = new ConcurrentHashMap<>();
    private final Set<String> gauges = ConcurrentHashMap.newKeySet();
    /** Bumped by every change of the global store, so a resolver knows when a miss is worth another look. */
    private final AtomicLong generation = new AtomicLong();
    /** Per model: the store generation at which a resolver found nothing to serve in the store. */
    private final ConcurrentHashMap<String, Long> unservableAt = new ConcurrentHashMap<>();
    private final DetectorMetrics metrics;

    public ModelRegistry(DetectorMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The version in use for {@code name}, or null. */
    public LoadedModel get(String name) {
        return models.get(name);
    }

    /** Why the version in use was chosen (pinned or newest), or null. */
    public ModelLedger.Serving serving(String name) {
        return serving.get(name);
    }

    /**
     * Serves {@code model} as decided by {@code why} (the processor's decision: replaces whatever is in use).
     *
     * @return true when the version in use changed
     */
    public boolean install(LoadedModel model, ModelLedger.Serving why) {
        String name = model.name();
        serving.put(name, why);
        LoadedModel before = models.put(name, model);
        unservableAt.remove(name);
        boolean changed = before == null || before.version() != model.version()
                || !Objects.equals(before.digestHex(), model.digestHex());
        if (changed) {
            swapped(name);
        }
        return changed;
    }

    /** As {@link #install}, unless a version is already in use (a resolver's rebuild must not undo the processor). */
    public boolean installIfAbsent(LoadedModel model, ModelLedger.Serving why) {
        String name = model.name();
        if (models.putIfAbsent(name, model) != null) {
            return false;
        }
        serving.putIfAbsent(name, why);
        unservableAt.remove(name);
        swapped(name);
        return true;
    }

    private void swapped(String name) {
        metrics.swapped(name);
        if (gauges.add(name)) {
            metrics.modelVersionGauge(name, this, r -> r.versionOf(name));
        }
    }

    /** {@code name} has nothing to serve any more (every version retired): its records are parked. */
    public void remove(String name) {
        models.remove(name);
        serving.remove(name);
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
        serving.clear();
        unservableAt.clear();
    }

    /** The global store changed (called by its processor after every write). */
    public void storeChanged() {
        generation.incrementAndGet();
    }

    /** Whether a resolver already found nothing to serve for {@code name} in the store as it is now. */
    boolean knownUnservable(String name) {
        Long at = unservableAt.get(name);
        return at != null && at == generation.get();
    }

    /** Remembers that the store, at {@code storeGeneration}, has nothing to serve for {@code name}. */
    void markUnservable(String name, long storeGeneration) {
        unservableAt.put(name, storeGeneration);
    }

    long generation() {
        return generation.get();
    }
}
