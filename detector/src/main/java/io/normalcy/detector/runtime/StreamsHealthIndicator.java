package io.normalcy.detector.runtime;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.normalcy.detector.model.LoadedModel;
import io.normalcy.detector.model.ModelRegistry;

import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.reactivestreams.Publisher;

/**
 * {@code /health} contribution "detector": UP while Kafka Streams is RUNNING or REBALANCING, UNKNOWN while it is
 * still starting (CREATED), DOWN otherwise (ERROR, PENDING_SHUTDOWN, NOT_RUNNING: the detector scores nothing).
 * Details: the Streams state, the number of live stream threads and the model versions in use.
 */
@Singleton
public final class StreamsHealthIndicator implements HealthIndicator {
    private final KafkaStreams streams;
    private final ModelRegistry registry;

    StreamsHealthIndicator(KafkaStreams streams, ModelRegistry registry) {
        this.streams = streams;
        this.registry = registry;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        KafkaStreams.State state = streams.state();
        HealthStatus status = switch (state) {
            case RUNNING, REBALANCING -> HealthStatus.UP;
            case CREATED -> HealthStatus.UNKNOWN;
            default -> HealthStatus.DOWN;
        };
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("streamsState", state.name());
        details.put("streamThreads", streams.metadataForLocalThreads().size());
        Map<String, Long> models = new LinkedHashMap<>();
        for (LoadedModel m : registry.all()) {
            models.put(m.name(), m.version());
        }
        details.put("models", models);
        return Publishers.just(HealthResult.builder("detector", status).details(details).build());
    }
}
