package io.normalcy.flow.cli;

import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.schemas.derived.DerivedFeature;
import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code normalcy score} for a model with derived features: each row's derived features come from its entity's
 * earlier rows, by the shared {@link DerivedFeatures#derive} (the trainer's and the detector's code), in file order
 * per entity (docs/design.md, "Derived features": arrival order; a late row is compared with the current windows and
 * does not move them back). A row only enters its entity's history once it has been scored ({@link #commit}), as in
 * the detector, where a dead-lettered record does not either, so a rejected row changes no later row's values.
 * Memory: one bounded history per distinct entity.
 */
final class RowDerivation {
    private final DerivedFeatures spec;
    private final int entityCol;
    private final Map<String, EntityHistory> histories = new HashMap<>();

    /** One row's record with its derived features, and the entity history to keep once it is scored. */
    record Derived(RawRecord record, String entity, EntityHistory next) {
    }

    private RowDerivation(DerivedFeatures spec, int entityCol) {
        this.spec = spec;
        this.entityCol = entityCol;
    }

    /**
     * @return null for a model without derived features
     * @throws CliException naming {@code --entity-column} when the column is not in the header, or
     *                      {@code --time-column} when a derived feature needs event times and none is given
     */
    static RowDerivation of(NormalcyModel model, String fileName, List<String> header, String entityColumn,
                            String timeColumn) {
        DerivedFeatures spec = model.derived();
        if (spec.isEmpty()) {
            return null;
        }
        if (timeColumn == null) {
            List<String> timed = spec.features().stream().filter(RowDerivation::needsTime).map(DerivedFeature::name)
                    .toList();
            if (!timed.isEmpty()) {
                throw new CliException("model " + model.name() + " derives " + timed + " from event times: pass "
                        + "--time-column");
            }
        }
        int col = entityColumn == null ? -1 : header.indexOf(entityColumn);
        if (col < 0) {
            throw new CliException(fileName + ": --entity-column '" + entityColumn + "' is not a column (model "
                    + model.name() + " derives " + spec.names() + " per entity; columns: " + String.join(", ", header)
                    + ")");
        }
        return new RowDerivation(spec, col);
    }

    private static boolean needsTime(DerivedFeature f) {
        return f.timeWindow() || f.kind() == DerivedFeature.Kind.SINCE_PREVIOUS
                || f.kind() == DerivedFeature.Kind.COUNT;
    }

    /** The raw features a CSV must have: the model's features without the derived ones. */
    static List<String> rawFeatures(NormalcyModel model) {
        List<String> derived = model.derived().names();
        return model.featureNames().stream().filter(f -> !derived.contains(f)).toList();
    }

    /** {@code rec} with its derived features; its entity's history is not advanced until {@link #commit}. */
    Derived derive(RawRecord rec, String[] cells, String where) {
        String entity = cells[entityCol];
        DerivedFeatures.Derivation d;
        try {
            d = spec.derive(histories.get(entity), rec.eventTime(), rec.features());
        } catch (IllegalArgumentException e) {
            throw new CliException(where + ": " + e.getMessage(), e);
        }
        Map<String, Double> features = new LinkedHashMap<>(rec.features());
        features.putAll(d.values());
        return new Derived(new RawRecord(features, rec.context(), rec.contextNumeric(), rec.eventTime()), entity,
                d.next());
    }

    /** The row was scored: it joins its entity's history. */
    void commit(Derived d) {
        histories.put(d.entity(), d.next());
    }

    List<String> names() {
        return spec.names();
    }
}
