package io.normalcy.bench.reliability;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * The reliability suite's Kafka broker, alone in its own JVM so that it can be killed for real (SIGKILL) and
 * restarted on the same log directory and ports: a single-node KRaft broker + controller from Apache Kafka's own
 * jars, as {@code kafka-storage.sh format} + {@code kafka-server-start.sh} would run it.
 *
 * <p>Why not testkit's {@code EmbeddedKafkaBroker}: it formats a fresh temp directory with random ports on every
 * start and deletes it on close, which is right for tests and wrong for "kill it and bring the same broker back".
 * The single-node settings are the same (replication factor 1 for the offsets and transaction topics, so
 * exactly-once Kafka Streams works; 16 MiB messages), plus a 1 s log-cleaner back-off so the bad-model case can
 * watch compaction happen.
 *
 * <p>Usage: {@code BrokerMain <logDir> <brokerPort> <controllerPort> [key=value ...]}; formats the directory only
 * when it has no {@code meta.properties} yet. SIGTERM shuts down cleanly; SIGKILL is what the suite uses.
 */
public final class BrokerMain {
    static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String CONTROLLER = "CONTROLLER";

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: BrokerMain <logDir> <brokerPort> <controllerPort> [key=value ...]");
            System.exit(2);
        }
        Path logDir = Path.of(args[0]);
        int brokerPort = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        Properties p = properties(logDir, brokerPort, controllerPort);
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("broker property wants key=value, got " + args[i]);
            }
            p.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Files.createDirectories(logDir);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(logDir);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
        }, "broker-shutdown"));
        server.startup();
        System.out.println("chaos broker started on " + HOST + ":" + brokerPort + " (log dir " + logDir + ")");
        server.awaitShutdown();
    }

    static Properties properties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("log.cleaner.backoff.ms", "1000");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("message.max.bytes", Integer.toString(16 * 1024 * 1024));
        p.put("replica.fetch.max.bytes", Integer.toString(16 * 1024 * 1024));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        // a dead producer's open transaction is aborted within 1 s of its timeout (default: up to 10 s later);
        // an exactly-once task that moves to another instance waits for that abort (docs/reliability.md)
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    private static void format(Path logDir) throws Exception {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter().setPrintStream(quiet).setNodeId(NODE_ID).setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER).setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString()).run();
        }
    }
}
