package io.normalcy.detector.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.normalcy.detector.metrics.DetectorMetrics;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
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
    void errorsOfOneRecordOrItsTopicNeverFailTheThread() {
        for (Exception e : List.of(new RecordTooLargeException("too big"), new RecordBatchTooLargeException("batch"),
                new InvalidRecordException("compacted topic needs a key"), new UnknownTopicOrPartitionException("gone"),
                new InvalidTopicException("bad name"))) {
            assertEquals(ProductionExceptionHandlerResponse.CONTINUE, handler.handle(null, record, e), e.toString());
        }
        assertEquals(1.0, metrics.count(DetectorMetrics.PRODUCTION_ERRORS, "exception",
                "UnknownTopicOrPartitionException", "action", "continue"));
    }

    @Test
    void otherErrorsFailTheTransaction() {
        assertEquals(ProductionExceptionHandlerResponse.FAIL,
                handler.handle(null, record, new TopicAuthorizationException("denied")));
        assertEquals(ProductionExceptionHandlerResponse.FAIL, handler.handleSerializationException(null, record,
                new IllegalStateException("bug"), SerializationExceptionOrigin.VALUE));
        assertEquals(ProductionExceptionHandlerResponse.FAIL,
                handler.handle(null, record, new KafkaException("producer closed")));
        assertEquals(3.0, metrics.total(DetectorMetrics.PRODUCTION_ERRORS));
    }
}
