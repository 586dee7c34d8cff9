package io.normalcy.detector.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import io.normalcy.schemas.kafka.ConsumerLoop;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Real {@link ConsumerLoop}s over {@link MockConsumer}s, one driven into FAILED by an authorization error. */
class ConsumersHealthIndicatorTest {
    private static final TopicPartition P0 = new TopicPartition("normalcy.alerts", 0);

    /** Assigns p0 from offset 0 and ignores records. */
    private static final class Assigner implements ConsumerLoop.Handler<String, String> {
        @Override
        public void onStart(Consumer<String, String> consumer) {
            consumer.assign(List.of(P0));
        }

        @Override
        public void onRecord(ConsumerRecord<String, String> record) {
        }
    }

    private static MockConsumer<String, String> consumer() {
        MockConsumer<String, String> c = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        c.updateBeginningOffsets(Map.of(P0, 0L));
        return c;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(HealthResult result, String loop) {
        return (Map<String, Object>) ((Map<String, Object>) result.getDetails()).get(loop);
    }

    @Test
    void upWhileTheLoopsRunAndDownWithTheFailureOnceOneFailedForGood() throws InterruptedException {
        MockConsumer<String, String> view = consumer();
        MockConsumer<String, String> webhooks = consumer();
        ConsumerLoop<String, String> viewLoop = new ConsumerLoop<>("view", () -> view, new Assigner(),
                Duration.ofMillis(20));
        ConsumerLoop<String, String> alertLoop = new ConsumerLoop<>("alerts", MockConsumerFactory::none,
                new Assigner(), Duration.ofMillis(20)); // never started, as with the alert stream disabled
        ConsumerLoop<String, String> webhookLoop = new ConsumerLoop<>("webhooks", () -> webhooks, new Assigner(),
                Duration.ofMillis(20));
        Map<String, ConsumerLoop<?, ?>> loops = new LinkedHashMap<>();
        loops.put("subscriptionsView", viewLoop);
        loops.put("alertStream", alertLoop);
        loops.put("webhookDelivery", webhookLoop);
        ConsumersHealthIndicator indicator = new ConsumersHealthIndicator(loops);
        viewLoop.start();
        webhookLoop.start();
        try {
            HealthResult up = Mono.from(indicator.getResult()).block();
            assertEquals("consumers", up.getName());
            assertEquals(HealthStatus.UP, up.getStatus());
            assertEquals(Map.of("state", "RUNNING"), detail(up, "subscriptionsView"));
            assertEquals(Map.of("state", "NEW"), detail(up, "alertStream"), "a loop not started is no fault");
            assertEquals(Map.of("state", "RUNNING"), detail(up, "webhookDelivery"));

            webhooks.setPollException(new TopicAuthorizationException(Set.of(P0.topic())));
            await(() -> webhookLoop.state() == ConsumerLoop.State.FAILED, "the webhook loop FAILED");

            HealthResult down = Mono.from(indicator.getResult()).block();
            assertEquals(HealthStatus.DOWN, down.getStatus());
            assertEquals("RUNNING", detail(down, "subscriptionsView").get("state"));
            Map<String, Object> failed = detail(down, "webhookDelivery");
            assertEquals("FAILED", failed.get("state"));
            String error = (String) failed.get("error");
            assertTrue(error.contains("TopicAuthorizationException") && error.contains(P0.topic()), error);
        } finally {
            viewLoop.close();
            webhookLoop.close();
        }
    }

    /** The consumer factory of a loop that is never started. */
    private static final class MockConsumerFactory {
        static Consumer<String, String> none() {
            throw new AssertionError("a loop never started creates no consumer");
        }
    }
}
