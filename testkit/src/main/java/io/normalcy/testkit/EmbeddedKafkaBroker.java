package io.normalcy.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka (combined broker + controller) running inside this JVM, built from Apache Kafka's own
 * server jars: the real log, group coordinator and transaction coordinator, so exactly-once Kafka Streams and
 * {@code read_committed} consumers behave as in production, without Docker.
 *
 * <p>Why {@link KafkaRaftServer} + {@link Formatter} rather than {@code KafkaClusterTestKit}: it is what
 * {@code kafka-storage.sh format} + {@code kafka-server-start.sh} do, needs no test-jars, and the only extra work
 * is choosing ports up front (the controller's port is part of {@code controller.quorum.voters}). Ports are
 * picked free on 127.0.0.1 and start-up is retried with fresh ports if one was taken in between.
 *
 * <p>Storage lives in a fresh temp directory which {@link #close()} deletes after a clean shutdown. For a broker
 * that must come back as itself after being killed (the reliability suite runs it in its own JVM and SIGKILLs it),
 * {@link #startPersistent} uses a given directory (formatted only once) and fixed ports, and keeps both.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int START_ATTEMPTS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path logDir;
    private final String bootstrapServers;
    private final boolean persistent;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path logDir, String bootstrapServers, boolean persistent) {
        this.server = server;
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
        this.persistent = persistent;
    }

    /** Starts a broker with {@link BrokerOptions#defaults()}. */
    public static EmbeddedKafkaBroker start() {
        return start(BrokerOptions.defaults());
    }

    /**
     * Formats a temp log directory and starts the broker; returns once it accepts client requests.
     *
     * @throws IllegalStateException if the broker cannot start (the temp directory is removed again)
     */
    public static EmbeddedKafkaBroker start(BrokerOptions options) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(options);
            } catch (RuntimeException e) {
                last = e;
                LOG.warn("Embedded Kafka start attempt {}/{} failed: {}", attempt, START_ATTEMPTS, e.toString());
            }
        }
        throw new IllegalStateException("Embedded Kafka broker did not start after " + START_ATTEMPTS + " attempts", last);
    }

    private static EmbeddedKafkaBroker startOnce(BrokerOptions options) {
        long t0 = System.nanoTime();
        Path logDir = createTempDir();
        KafkaRaftServer server = null;
        try {
            int brokerPort = freePort();
            int controllerPort = freePort();
            while (controllerPort == brokerPort) {
                controllerPort = freePort();
            }
            KafkaConfig config = new KafkaConfig(serverProperties(options, logDir, brokerPort, controllerPort), false);
            format(logDir);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            String bootstrap = HOST + ":" + brokerPort;
            awaitReady(bootstrap);
            LOG.info("Embedded Kafka {} started in {} ms (log dir {})", bootstrap,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), logDir);
            return new EmbeddedKafkaBroker(server, logDir, bootstrap, false);
        } catch (Exception e) {
            if (server != null) {
                stopQuietly(server);
            }
            deleteQuietly(logDir);
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Starts the broker on {@code logDir} and fixed ports, formatting the directory only when it has no
     * {@code meta.properties} yet, so a broker killed for real restarts with its log, offsets and transactions, at
     * the address its clients know. No retry (the ports are the caller's); {@link #close()} keeps the directory.
     */
    public static EmbeddedKafkaBroker startPersistent(BrokerOptions options, Path logDir, int brokerPort,
                                                      int controllerPort) {
        try {
            Files.createDirectories(logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir);
            }
            KafkaRaftServer server = new KafkaRaftServer(
                    new KafkaConfig(serverProperties(options, logDir, brokerPort, controllerPort), false), Time.SYSTEM);
            server.startup();
            String bootstrap = HOST + ":" + brokerPort;
            awaitReady(bootstrap);
            return new EmbeddedKafkaBroker(server, logDir, bootstrap, true);
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Blocks until the broker has shut down (after {@link #close()}, e.g. from a shutdown hook). */
    public void awaitShutdown() {
        server.awaitShutdown();
    }

    static Properties serverProperties(BrokerOptions options, Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // Small thread pools and cleaner buffer: the broker shares a small test machine with the tests themselves.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        for (Map.Entry<String, String> e : options.brokerProperties().entrySet()) {
            p.put(e.getKey(), e.getValue());
        }
        return p;
    }

    /** What {@code kafka-storage.sh format} does: writes meta.properties and the bootstrap metadata snapshot. */
    private static void format(Path logDir) throws Exception {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .run();
        }
    }

    private static void awaitReady(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                            .nodes().get(6, TimeUnit.SECONDS).size();
                    if (nodes == 1) {
                        return;
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("Interrupted waiting for embedded Kafka", e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Embedded Kafka at " + bootstrap + " not ready after " + READY_TIMEOUT);
                }
                sleep(100);
            }
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's storage directory (a temp one is deleted by {@link #close()}). */
    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        stopQuietly(server);
        if (!persistent) {
            deleteQuietly(logDir);
        }
        LOG.info("Embedded Kafka {} stopped in {} ms", bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers + "]";
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Embedded Kafka shutdown failed", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            LOG.warn("Could not delete embedded Kafka log dir {}", dir, e);
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("normalcy-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temp log dir for embedded Kafka", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + HOST, e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for embedded Kafka", e);
        }
    }
}
