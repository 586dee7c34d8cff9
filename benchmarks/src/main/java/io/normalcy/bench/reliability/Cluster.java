package io.normalcy.bench.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Utils;

/**
 * What every case shares: the broker process (one for the whole run; the broker case kills and restarts it), an
 * admin client, the signed model, a work directory (broker log dir, Kafka Streams state dirs; deleted at the end)
 * and the directory of the process logs (kept, next to the report).
 */
final class Cluster implements AutoCloseable {
    final ChaosOptions options;
    final Path work;
    final Path logs;
    final BrokerProcess broker;
    final Admin admin;
    final ChaosModels models;
    final long brokerStartMs;

    private Cluster(ChaosOptions options, Path work, Path logs, BrokerProcess broker, Admin admin, long startMs) {
        this.options = options;
        this.work = work;
        this.logs = logs;
        this.broker = broker;
        this.admin = admin;
        this.models = new ChaosModels(options.seed);
        this.brokerStartMs = startMs;
    }

    static Cluster start(ChaosOptions o) throws Exception {
        Path work = Files.createTempDirectory("normalcy-chaos-");
        Path logs = o.out.resolve("logs");
        Files.createDirectories(logs);
        BrokerProcess broker = new BrokerProcess(work.resolve("kafka"), logs.resolve("broker.log"), o.brokerHeap,
                o.brokerProps);
        long ms;
        try {
            ms = broker.start();
        } catch (Exception e) {
            broker.close();
            Utils.delete(work.toFile());
            throw e;
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "chaos-admin");
        return new Cluster(o, work, logs, broker, Admin.create(p), ms);
    }

    String bootstrap() {
        return broker.bootstrap();
    }

    /** A fresh Kafka Streams state directory for one detector instance of one case. */
    Path stateDir(String caseName, String instance) throws IOException {
        return Files.createDirectories(work.resolve("state").resolve(caseName).resolve(instance));
    }

    @Override
    public void close() throws Exception {
        try {
            admin.close();
            broker.close();
        } finally {
            Utils.delete(work.toFile());
        }
    }
}
