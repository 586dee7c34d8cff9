package io.normalcy.trainer.history;

import io.normalcy.flow.fit.RawRecord;

import java.util.List;
import java.util.Map;

/**
 * The training data of one run plus where it came from (for the model's provenance and the report).
 *
 * @param features      resolved feature names (declared or inferred)
 * @param examined      input records of this model examined (valid or not)
 * @param sourceOffsets "topic-partition" → offset after the last record read (empty for files)
 * @param source        human-readable description, e.g. {@code topic normalcy.features} or a file path
 */
public record History(List<RawRecord> rows, List<String> features, SkipSummary skips, long examined,
                      long dropped, Map<String, Long> sourceOffsets, Long windowStart, Long windowEnd,
                      String source) {
}
