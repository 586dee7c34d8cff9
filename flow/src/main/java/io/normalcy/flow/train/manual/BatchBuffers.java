package io.normalcy.flow.train.manual;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Per-batch-size buffer sets of a manual layer. A training sees few distinct batch sizes (the batch, the last
 * partial batch, the validation batch and its remainder), so the sets are kept; more than {@link #MAX_SIZES}
 * distinct sizes (a caller scoring many odd sizes) drops the cached sets rather than growing without bound.
 */
final class BatchBuffers<T> {
    static final int MAX_SIZES = 8;
    private final Map<Integer, T> sets = new HashMap<>();
    private final IntFunction<T> factory;

    BatchBuffers(IntFunction<T> factory) {
        this.factory = factory;
    }

    T get(int rows) {
        T t = sets.get(rows);
        if (t == null) {
            if (sets.size() >= MAX_SIZES) {
                sets.clear();
            }
            t = factory.apply(rows);
            sets.put(rows, t);
        }
        return t;
    }
}
