package io.normalcy.trainer.it;

import io.normalcy.testkit.ApicurioRegistry;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.config.ModelRegistry;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's history reader against a REAL registry server (Apicurio Registry through its Confluent-compatible
 * API, testkit's {@link ApicurioRegistry}) on the real (in-JVM KRaft) broker, {@link FramedHistoryScenario}:
 * Confluent-framed feature vectors of the current and of an older writer schema (no {@code attributes}/{@code eventId}:
 * their defaults) are all read, an id the registry does not know is skipped as UNKNOWN_SCHEMA, and with the registry
 * process stopped the read fails as unavailable instead of returning part of the history. Training on such a history
 * is {@link RegistryHistoryIT}'s.
 */
class RegistryHistoryApicurioIT {
    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    @TempDir
    Path work;

    private static final String MODEL = "framed-apicurio";

    @Test
    void framedHistoryDecodesThroughARealRegistryAndItsOutageFailsTheRead(KafkaBroker broker) throws Exception {
        try (ApicurioRegistry registry = ApicurioRegistry.start(work)) {
            FramedHistoryScenario scenario = FramedHistoryScenario.write(broker.bootstrapServers(), registry, MODEL,
                    600, 17);
            ModelDefinition def = new ModelRegistry(Map.of(MODEL, Map.of("features", "x1,x2",
                    "categorical-context", "region"))).find(MODEL).orElseThrow();
            scenario.readsEveryFramedRecord(scenario.source(registry), def);
            scenario.registryOutageFailsTheRead(registry, def);
        }
    }
}
