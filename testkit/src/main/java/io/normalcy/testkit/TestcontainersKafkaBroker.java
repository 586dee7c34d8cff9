package io.normalcy.testkit;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka in the official {@code apache/kafka} Docker image via Testcontainers.
 *
 * <p>Why keep it next to the embedded broker: the container is the exact server binary and JVM a deployment
 * runs, isolated from the test JVM's classpath; CI machines with Docker can run the same integration tests
 * against it with {@code -Dnormalcy.kafka=testcontainers}. Settings come from {@link BrokerOptions} as
 * {@code KAFKA_*} environment variables (dots become underscores), which the image maps to broker properties.
 */
public final class TestcontainersKafkaBroker implements KafkaBroker {

    /** Same Kafka version as the embedded broker and the client jars. */
    public static final String IMAGE = "apache/kafka:3.9.1";

    private final KafkaContainer container;
    private final String bootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TestcontainersKafkaBroker(KafkaContainer container) {
        this.container = container;
        this.bootstrapServers = container.getBootstrapServers();
    }

    /** True when Testcontainers finds a usable Docker engine. */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Starts a container with {@link BrokerOptions#defaults()}. */
    public static TestcontainersKafkaBroker start() {
        return start(BrokerOptions.defaults());
    }

    /**
     * Starts the container and waits until Kafka is up.
     *
     * @throws IllegalStateException when Docker is unavailable or the container fails to start
     */
    @SuppressWarnings("resource") // ownership passes to the returned broker
    public static TestcontainersKafkaBroker start(BrokerOptions options) {
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE));
        for (Map.Entry<String, String> e : options.brokerProperties().entrySet()) {
            container.withEnv(envName(e.getKey()), e.getValue());
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException("Kafka container " + IMAGE + " did not start: " + e.getMessage(), e);
        }
        return new TestcontainersKafkaBroker(container);
    }

    /** {@code message.max.bytes} → {@code KAFKA_MESSAGE_MAX_BYTES}, the apache/kafka image convention. */
    static String envName(String property) {
        return "KAFKA_" + property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            container.stop();
        }
    }

    @Override
    public String toString() {
        return "TestcontainersKafkaBroker[" + IMAGE + " @ " + bootstrapServers + "]";
    }
}
