package io.normalcy.trainer.job;

import io.normalcy.trainer.config.ModelDefinition;

import java.util.Map;

/**
 * What one training needs, written as JSON for a child JVM ({@link JobJson}, read by {@link TrainingJob}) or passed
 * directly in-process.
 *
 * @param definition the validated model definition with its features resolved; used as is (not parsed or
 *                   validated again, in either isolation mode)
 * @param modelOut   where the trained, unsigned {@code ModelVersion} is written (Avro container file)
 * @param resultOut  where the {@link JobResult} JSON is written
 * @param warmStartModel model file of the currently published version to warm-start from (null: cold; the fit
 *                       still starts cold when the model does not match, see {@code io.normalcy.flow.fit.WarmStart})
 */
public record JobSpec(String model, long version, ModelDefinition definition, String rowsFile, String modelOut,
                      String resultOut, Long windowStart, Long windowEnd, Map<String, Long> sourceOffsets,
                      long skippedCount, String trainerVersion, String warmStartModel) {
}
