package io.normalcy.detector.runtime;

import io.normalcy.detector.metrics.DetectorMetrics;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the detector does when Kafka refuses one of its output records.
 * <ul>
 *   <li>{@link RecordTooLargeException}: log, count, CONTINUE. Only an alert with a pathological number of
 *   features/attributes can be that large; dropping it is better than halting detection for every entity, and
 *   the counter {@code normalcy.production.errors{exception=RecordTooLargeException,action=continue}} makes it
 *   visible.</li>
 *   <li>anything else (authorization, unknown topic of a subscription, fencing...): log, count, FAIL. With
 *   exactly-once the transaction aborts and the stream thread is replaced (see the uncaught exception handler),
 *   so nothing is lost; repeated failures shut the client down and the health check turns DOWN.</li>
 *   <li>serialization errors: FAIL. Values are serialized inside the scoring processor, so a failure at the
 *   sink is a bug, not bad data.</li>
 * </ul>
 */
public final class DetectorProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorProductionExceptionHandler.class);
    private DetectorMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object m = configs.get(KafkaProperties.METRICS_CONFIG);
        metrics = m instanceof DetectorMetrics dm ? dm : null;
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        boolean skip = exception instanceof RecordTooLargeException;
        count(exception, skip);
        if (skip) {
            LOG.error("Dropping a record for topic {} ({} bytes): {}", record.topic(),
                    record.value() == null ? 0 : record.value().length, exception.getMessage());
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
