package io.normalcy.detector.topology;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.schemas.serde.AvroSerde;

/** The Avro serializers of the detector's outputs (single-object encoding), one set per stream task. */
final class Codecs {
    private final AvroSerde<ScoredEvent> scored = AvroSerde.of(ScoredEvent.class);
    private final AvroSerde<Alert> alert = AvroSerde.of(Alert.class);
    private final AvroSerde<DeadLetter> deadLetter = AvroSerde.of(DeadLetter.class);
    private final AvroSerde<RetrainRequest> retrain = AvroSerde.of(RetrainRequest.class);

    byte[] scored(String topic, ScoredEvent e) {
        return scored.serialize(topic, e);
    }

    byte[] alert(String topic, Alert a) {
        return alert.serialize(topic, a);
    }

    byte[] deadLetter(String topic, DeadLetter d) {
        return deadLetter.serialize(topic, d);
    }

    byte[] retrain(String topic, RetrainRequest r) {
        return retrain.serialize(topic, r);
    }
}
