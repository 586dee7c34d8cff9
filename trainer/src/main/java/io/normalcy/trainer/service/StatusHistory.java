package io.normalcy.trainer.service;

import io.normalcy.avro.TrainingStatus;
import io.normalcy.schemas.kafka.TopicReader;
import io.normalcy.trainer.status.Recovery;
import io.normalcy.trainer.status.StatusHeaders;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest status of every request in the tail of {@code normalcy.training-status}, read at start-up: the ids
 * tell which requests were already accepted (so one re-delivered from normalcy.retrain is not trained twice),
 * and the non-terminal ones with their journal headers are what {@link Recovery} resumes or closes. Only the
 * last {@code max} records per partition are read ({@link TopicReader#readToEnd}): cheap, and older requests are
 * long finished.
 */
public final class StatusHistory {
    private static final Logger LOG = LoggerFactory.getLogger(StatusHistory.class);

    private StatusHistory() {
    }

    /** Request id → its latest status in the tail, in the order of those latest records. */
    public static Map<String, Recovery.Entry> latest(Consumer<String, byte[]> c,
                                                     org.apache.kafka.common.serialization.Deserializer<TrainingStatus> d,
                                                     String topic, int max, Duration timeout) {
        Map<String, Recovery.Entry> latest = new LinkedHashMap<>();
        try {
            TopicReader.readToEnd(c, topic, TopicReader.lastN(max), null, timeout, r -> {
                TrainingStatus s;
                try {
                    s = d.deserialize(r.topic(), r.value());
                } catch (RuntimeException e) {
                    return; // not ours to judge; the status topic is informational
                }
                if (s != null) {
                    latest.remove(s.getRequestId()); // keep the map in the order of the latest records
                    latest.put(s.getRequestId(), new Recovery.Entry(s, StatusHeaders.owner(r.headers()),
                            StatusHeaders.request(r.headers())));
                }
            });
        } catch (TimeoutException e) {
            LOG.warn("{}: unfinished requests in the unread part are not recovered", e.getMessage());
        }
        return latest;
    }
}
