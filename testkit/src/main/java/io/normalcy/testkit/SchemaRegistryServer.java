package io.normalcy.testkit;

import java.io.IOException;

/**
 * What an integration-test scenario does with a schema registry: registers writer schemas through its
 * Confluent-compatible API and takes it down and up again for an outage. Both {@link StubSchemaRegistry} (the
 * in-JVM stand-in) and {@link ApicurioRegistry} (a real registry server) implement it, so one scenario runs against
 * either and the two ITs of a module differ only in the registry they start and its client settings.
 */
public interface SchemaRegistryServer extends AutoCloseable {

    /** Base URL of the Confluent-compatible API, as Normalcy's {@code registry.url} takes it. */
    String url();

    /** Registers {@code schema} (Avro JSON) under {@code subject} and returns the id the registry gave it. */
    int register(String subject, String schema) throws IOException, InterruptedException;

    /** Stops answering (connections refused) until {@link #start()}, keeping the registered schemas. */
    void stop() throws InterruptedException;

    /** (Re)starts on the same URL, returning once the API answers. */
    void start() throws IOException, InterruptedException;

    @Override
    void close() throws InterruptedException;
}
