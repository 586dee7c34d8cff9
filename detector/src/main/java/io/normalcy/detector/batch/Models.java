package io.normalcy.detector.batch;

import io.normalcy.detector.topology.BatchScorer;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Loads the models topic, up to its end at the time of the call, into a {@link BatchScorer}. */
final class Models {
    private Models() {
    }

    static void load(KafkaConsumer<byte[], byte[]> consumer, String topic, BatchScorer scorer) {
        TopicReader.readAll(consumer, topic, "normalcy.detector.topics.models", r -> scorer.model(
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value(), r.headers(),
                r.timestamp()));
    }
}
