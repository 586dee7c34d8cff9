package io.normalcy.detector.topology;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.schemas.serde.AvroWriter;

/**
 * The Avro writers of the detector's outputs (single-object encoding, the bytes {@code AvroSerde} writes), one set
 * per stream task: a task runs on one thread at a time, so each writer reuses its buffer and encoder from one
 * record to the next ({@link AvroWriter}) instead of starting afresh for every score.
 */
final class Codecs {
    private final AvroWriter<ScoredEvent> scored = AvroWriter.of(ScoredEvent.class);
    private final AvroWriter<Alert> alert = AvroWriter.of(Alert.class);
    private final AvroWriter<DeadLetter> deadLetter = AvroWriter.of(DeadLetter.class);
    private final AvroWriter<RetrainRequest> retrain = AvroWriter.of(RetrainRequest.class);

    byte[] scored(String topic, ScoredEvent e) {
        return scored.write(topic, e);
    }

    byte[] alert(String topic, Alert a) {
        return alert.write(topic, a);
    }

    byte[] deadLetter(String topic, DeadLetter d) {
        return deadLetter.write(topic, d);
    }

    byte[] retrain(String topic, RetrainRequest r) {
        return retrain.write(topic, r);
    }
}
