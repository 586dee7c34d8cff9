package io.normalcy.schemas.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one rule for turning a service's {@code kafka.*} configuration tree (Micronaut Kafka convention, prefix
 * removed) into plain Kafka client settings, so that bootstrap servers, {@code security.protocol}, {@code sasl.*} and
 * {@code ssl.*} reach every producer, consumer, admin client and Streams app of the trainer and the detector alike.
 *
 * <p>Dropped: Micronaut's own sub-trees ({@code streams.*}, {@code consumers.*}, {@code producers.*},
 * {@code health.*}, {@code embedded.*}, {@code enabled}) and keys containing '-': Kafka config names never do, such
 * keys are the kebab-case variants Micronaut derives from environment variables
 * ({@code KAFKA_SECURITY_PROTOCOL} also yields {@code security-protocol}). List values are joined with commas.
 */
public final class KafkaClientSettings {
    private KafkaClientSettings() {
    }

    /** @param kafka every {@code kafka.*} property with the prefix removed (raw keys) */
    public static Map<String, String> fromKafkaTree(Map<String, ?> kafka) {
        Map<String, String> out = new LinkedHashMap<>();
        kafka.forEach((k, v) -> {
            if (v != null && !isMicronautKey(k)) {
                out.put(k, v instanceof Iterable<?> it ? join(it) : String.valueOf(v));
            }
        });
        return out;
    }

    static boolean isMicronautKey(String k) {
        return k.startsWith("streams.") || k.startsWith("consumers.") || k.startsWith("producers.")
                || k.startsWith("health.") || k.startsWith("embedded.") || k.equals("enabled")
                || k.indexOf('-') >= 0;
    }

    private static String join(Iterable<?> it) {
        StringBuilder sb = new StringBuilder();
        for (Object o : it) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(o);
        }
        return sb.toString();
    }
}
