package io.normalcy.detector.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.normalcy.detector.metrics.DetectorMetrics;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.ProductionExceptionHandlerResponse;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.junit.jupiter.api.Test;

class DetectorProductionExceptionHandlerTest {
    private final DetectorMetrics metrics = DetectorMetrics.inMemory();
    private final DetectorProductionExceptionHandler handler = new DetectorProductionExceptionHandler();
    private final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("normalcy.alerts", new byte[10]);

    DetectorProductionExceptionHandlerTest() {
        handler.configure(Map.of(KafkaProperties.METRICS_CONFIG, metrics));
    }

    @Test
    void oversizedRecordsAreSkippedAndCounted() {
        assertEquals(ProductionExceptionHandlerResponse.CONTINUE,
                handler.handle(null, record, new RecordTooLargeException("too big")));
        assertEquals(1.0, metrics.count(DetectorMetrics.PRODUCTION_ERRORS, "exception", "RecordTooLargeException",
                "action", "continue"));
    }

    @Test
    void otherErrorsFailTheTransaction() {
        assertEquals(ProductionExceptionHandlerResponse.FAIL,
                handler.handle(null, record, new TopicAuthorizationException("denied")));
        assertEquals(ProductionExceptionHandlerResponse.FAIL, handler.handleSerializationException(null, record,
                new IllegalStateException("bug"), SerializationExceptionOrigin.VALUE));
        assertEquals(2.0, metrics.total(DetectorMetrics.PRODUCTION_ERRORS));
    }
}
