package io.normalcy.testkit;

/**
 * A running single-node Kafka cluster that tests and the demo talk to through its bootstrap address only.
 *
 * <p>Why an interface: the same integration tests run against Apache Kafka's own broker started in this JVM
 * ({@link EmbeddedKafkaBroker}, no Docker needed) or against the official {@code apache/kafka} image
 * ({@link TestcontainersKafkaBroker}); {@link KafkaBrokers#start()} picks one. Callers must not depend on
 * which, so the contract is just "a bootstrap address until {@link #close()}".
 */
public interface KafkaBroker extends AutoCloseable {

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:41234}. */
    String bootstrapServers();

    /** Stops the broker and releases its storage. Idempotent; never throws checked exceptions. */
    @Override
    void close();
}
