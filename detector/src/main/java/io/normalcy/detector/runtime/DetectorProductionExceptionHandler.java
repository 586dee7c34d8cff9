package io.normalcy.detector.runtime;

import io.normalcy.detector.metrics.DetectorMetrics;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the detector does when Kafka refuses one of its output records. The real protection is upstream: the
 * scoring processor size-checks every output against the producer's {@code max.request.size} and only copies
 * alerts to topics known to exist, because under exactly-once a refused record cannot be skipped here: the
 * producer's transaction is already in an error state, the commit fails, and the replacement thread re-reads the
 * same input and fails again. This handler is the second line:
 * <ul>
 *   <li>errors caused by one record or its destination ({@link RecordTooLargeException},
 *   {@link RecordBatchTooLargeException}, {@link InvalidRecordException}, {@link InvalidTimestampException},
 *   {@link InvalidTopicException}, {@link UnknownTopicOrPartitionException}, e.g. a destination topic whose
 *   {@code max.message.bytes} is below the producer's limit): log, count, CONTINUE. With at-least-once that drops
 *   the one record and scoring goes on; with exactly-once the transaction still aborts (nothing half-written) and
 *   the log says which topic to fix. FAIL would only turn one bad record into a dead client.</li>
 *   <li>anything else (e.g. an unexpected producer state): log, count, FAIL. These are not about one record's
 *   data, so retrying with a fresh thread (see the uncaught exception handler) is the right reaction, and
 *   repeated failures shut the client down and turn the health check DOWN. (Security errors and fencing never
 *   get here: Kafka Streams treats them itself.)</li>
 *   <li>serialization errors: FAIL. Values are serialized inside the scoring processor, so a failure at the
 *   sink is a bug, not bad data.</li>
 * </ul>
 */
public final class DetectorProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorProductionExceptionHandler.class);
    /** Exceptions about one record or its destination topic, not about the producer or the cluster. */
    private static final List<Class<? extends Exception>> RECORD_ERRORS = List.of(RecordTooLargeException.class,
            RecordBatchTooLargeException.class, InvalidRecordException.class, InvalidTimestampException.class,
            InvalidTopicException.class, UnknownTopicOrPartitionException.class);
    private DetectorMetrics metrics;
    private boolean exactlyOnce;

    @Override
    public void configure(Map<String, ?> configs) {
        Object m = configs.get(KafkaProperties.METRICS_CONFIG);
        metrics = m instanceof DetectorMetrics dm ? dm : null;
        Object guarantee = configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        exactlyOnce = guarantee != null && String.valueOf(guarantee).startsWith("exactly_once");
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        boolean recordError = RECORD_ERRORS.stream().anyMatch(c -> c.isInstance(exception));
        count(exception, recordError);
        if (recordError) {
            LOG.error("Kafka refused a record for topic {} (key {} bytes, value {} bytes): {}. {}", record.topic(),
                    record.key() == null ? 0 : record.key().length, record.value() == null ? 0 : record.value().length,
                    exception.toString(), exactlyOnce
                            ? "Exactly-once: the transaction aborts and the task retries; check that topic's "
                            + "max.message.bytes against the producer's max.request.size"
                            : "The record is dropped");
            return ProductionExceptionHandlerResponse.CONTINUE;
        }
        LOG.error("Cannot produce to topic {}: {}; failing the stream thread (the transaction aborts)",
                record.topic(), exception.toString());
        return ProductionExceptionHandlerResponse.FAIL;
    }

    @Override
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context,
            ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
        count(exception, false);
        LOG.error("Cannot serialize the {} of a record for topic {}: {}", origin, record.topic(), exception.toString());
        return ProductionExceptionHandlerResponse.FAIL;
    }

    private void count(Exception e, boolean skipped) {
        if (metrics != null) {
            metrics.productionError(e.getClass().getSimpleName(), skipped ? "continue" : "fail");
        }
    }
}
