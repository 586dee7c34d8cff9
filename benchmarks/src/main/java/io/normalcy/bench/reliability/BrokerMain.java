package io.normalcy.bench.reliability;

import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.EmbeddedKafkaBroker;

import java.nio.file.Path;

/**
 * The reliability suite's Kafka broker, alone in its own JVM so that it can be killed for real (SIGKILL) and
 * restarted on the same log directory and ports: testkit's in-JVM KRaft broker in its persistent mode
 * ({@link EmbeddedKafkaBroker#startPersistent}), with the test brokers' single-node settings (exactly-once Kafka
 * Streams works; 16 MiB messages) plus a 1 s log-cleaner back-off so the bad-model case can watch compaction happen.
 *
 * <p>Usage: {@code BrokerMain <logDir> <brokerPort> <controllerPort> [key=value ...]}; formats the directory only
 * when it has no {@code meta.properties} yet. SIGTERM shuts down cleanly; SIGKILL is what the suite uses.
 */
public final class BrokerMain {
    static final String HOST = "127.0.0.1";

    private BrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: BrokerMain <logDir> <brokerPort> <controllerPort> [key=value ...]");
            System.exit(2);
        }
        Path logDir = Path.of(args[0]);
        int brokerPort = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        BrokerOptions options = BrokerOptions.defaults().withProperty("log.cleaner.backoff.ms", "1000");
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("broker property wants key=value, got " + args[i]);
            }
            options = options.withProperty(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startPersistent(options, logDir, brokerPort, controllerPort);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        System.out.println("chaos broker started on " + broker.bootstrapServers() + " (log dir " + logDir + ")");
        broker.awaitShutdown();
    }
}
