package io.normalcy.trainer.status;

import io.normalcy.avro.RetrainRequest;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.trainer.queue.TrainingRequest;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * Record headers of {@code normalcy.training-status} that make the topic the trainer's journal of unfinished
 * requests, so that a restarted trainer can run them again (see {@link Recovery}). Headers rather than new
 * {@code TrainingStatus} fields: readers of the status (the demo, dashboards, older trainers) are unaffected,
 * and the request keeps its own released schema.
 * <ul>
 *   <li>{@value #OWNER}: the {@code normalcy.trainer.instance-id} that accepted the request (UTF-8), on every
 *   record;</li>
 *   <li>{@value #REQUEST}: the request itself as a single-object Avro {@link RetrainRequest} (window, overrides,
 *   reason; {@code requestedAt} = when the trainer accepted it), on every QUEUED and RUNNING record, so the
 *   latest record of a request alone tells what to resume.</li>
 * </ul>
 */
public final class StatusHeaders {
    public static final String OWNER = "normalcy.trainer-instance";
    public static final String REQUEST = "normalcy.retrain-request";

    private StatusHeaders() {
    }

    public static byte[] encodeOwner(String instanceId) {
        return instanceId.getBytes(StandardCharsets.UTF_8);
    }

    /** The owner in {@code headers}, or null when absent (written by a trainer before this journal existed). */
    public static String owner(Headers headers) {
        Header h = headers.lastHeader(OWNER);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    public static byte[] encodeRequest(TrainingRequest r) {
        return NormalcySerdes.retrainRequest().serializer().serialize(null, r.toRetrainRequest());
    }

    /** The raw request bytes in {@code headers}, or null when absent. */
    public static byte[] request(Headers headers) {
        Header h = headers.lastHeader(REQUEST);
        return h == null ? null : h.value();
    }

    /** Decodes {@link #encodeRequest}; throws with the reason when the bytes are not a RetrainRequest. */
    public static TrainingRequest decodeRequest(byte[] bytes) {
        RetrainRequest r = NormalcySerdes.retrainRequest().deserializer().deserialize(null, bytes);
        if (r == null) {
            throw new IllegalArgumentException("empty request header");
        }
        return TrainingRequest.from(r, r.getRequestedAt().toEpochMilli());
    }
}
