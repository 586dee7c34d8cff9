package io.normalcy.detector.cli;

import io.normalcy.detector.batch.BatchConfig;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

/** Options every command shares: where Kafka is and configuration overrides (else: the service's configuration). */
final class ConfigOptions {
    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: kafka.bootstrap.servers "
            + "of the configuration).")
    String bootstrapServers;

    @Option(names = {"-p", "--property"}, paramLabel = "KEY=VALUE",
            description = "A configuration property, as in application.yml (e.g. -p normalcy.detector.topics.models=m); "
                    + "MICRONAUT_CONFIG_FILES and environment variables apply as for the service.")
    Map<String, String> properties = new HashMap<>();

    BatchConfig load() {
        Map<String, Object> props = new HashMap<>(properties);
        if (bootstrapServers != null) {
            props.put("kafka.bootstrap.servers", bootstrapServers);
        }
        return BatchConfig.load(props);
    }
}
