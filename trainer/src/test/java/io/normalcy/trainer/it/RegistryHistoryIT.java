package io.normalcy.trainer.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.testkit.StubSchemaRegistry;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.history.TopicHistorySource;
import io.normalcy.trainer.job.InProcessRunner;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.queue.TrainingTask;
import io.normalcy.trainer.service.ArtifactStore;
import io.normalcy.trainer.service.TrainerMetrics;
import io.normalcy.trainer.service.TrainingService;
import io.normalcy.trainer.status.StatusReporter;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's history reader on the real (in-JVM KRaft) broker with Confluent-framed feature vectors of two writer
 * schemas ({@link FramedHistoryScenario}): the history decodes through the registry (an unknown id is skipped as
 * UNKNOWN_SCHEMA) and trains a model; a registry that is down fails the read instead of training on part of the
 * history. The registry is {@link StubSchemaRegistry}, a stand-in for the Confluent-compatible REST API; the read
 * against a real registry server is {@link RegistryHistoryApicurioIT}.
 */
class RegistryHistoryIT {
    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    @TempDir
    Path work;

    private static final String MODEL = "framed";

    @Test
    void framedHistoryTrainsAndARegistryOutageFailsTheReadNotTheRecords(KafkaBroker broker) throws Exception {
        try (StubSchemaRegistry registry = new StubSchemaRegistry()) {
            FramedHistoryScenario scenario = FramedHistoryScenario.write(broker.bootstrapServers(), registry, MODEL,
                    3000, 11);
            ModelRegistry models = new ModelRegistry(Map.of(MODEL, Map.of("features", "x1,x2",
                    "categorical-context", "region", "epochs", "1", "blocks", "1", "hidden", "8",
                    "min-context-samples", "50")));
            ModelDefinition def = models.find(MODEL).orElseThrow();
            TopicHistorySource source = scenario.source(registry);
            scenario.readsEveryFramedRecord(source, def);

            TrainingService service = new TrainingService(models, source::read, new InProcessRunner(), null, null,
                    new StatusReporter(null, ""), new ArtifactStore(work), new TrainerMetrics(new SimpleMeterRegistry()),
                    null, "it", false);
            TrainingRequest req = new TrainingRequest("r1", MODEL, "it", scenario.start, scenario.end(), Map.of(),
                    System.currentTimeMillis());
            TrainingService.Outcome outcome = service.run(new TrainingTask(MODEL, req, List.of("r1")));
            assertTrue(outcome.succeeded(), outcome.message());
            assertTrue(outcome.message().contains(scenario.vectors.size() + " records"), outcome.message());

            scenario.registryOutageFailsTheRead(registry, def);
        }
    }
}
