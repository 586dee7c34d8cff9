package io.normalcy.trainer.job;

import io.normalcy.flow.fit.RawRecord;
import io.normalcy.trainer.config.ModelDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The child-JVM protocol: a failure inside the child comes back as the child's own message. */
class ProcessRunnerTest {
    @TempDir
    Path dir;

    @Test
    void childFailureIsReportedWithItsMessageAndTheRowsFileIsRemoved() {
        ModelDefinition d = ModelDefinition.defaults("m");
        // epochs -1 never passes Parameters; built directly, it is rejected by the fit inside the child, before any
        // ND4J work (the child takes the typed definition as is and does not validate it again)
        ModelDefinition def = new ModelDefinition(d.name(), d.features(), d.integerFeatures(), d.log1pFeatures(),
                d.categoricalContext(), d.cyclicContext(), d.numericContext(), d.flowType(), d.ordering(), d.blocks(),
                d.hidden(), -1, d.batchSize(), d.learningRate(), d.patience(), d.levels(), d.minContextSamples(),
                d.seed(), d.maxRecords(), d.window(), d.validationFraction(), d.calibrationFraction(),
                d.calibrateOnValidation(), d.warmStart(),
                d.autoBudget(), d.derived(), d.contamination(), d.components(), d.missing(),
                d.trainingEngine());
        JobSpec spec = new JobSpec("m", 1, def, dir.resolve("rows.bin").toString(), dir.resolve("model.avro").toString(),
                dir.resolve("result.json").toString(), null, null, Map.of(), 0, "test", null);
        ProcessRunner runner = new ProcessRunner(List.of("-Xmx128m"), Duration.ofMinutes(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.run(spec,
                List.of(RawRecord.of(Map.of("a", 1.0))), x -> { }));
        assertTrue(e.getMessage().contains("epochs must be >= 1, got -1"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("rows.bin")));
        assertTrue(Files.exists(dir.resolve("job.json")));
    }
}
