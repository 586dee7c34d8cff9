package io.normalcy.bench.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The harness's handle on the {@link BrokerMain} JVM: one log directory and one pair of ports for the whole run,
 * so {@link #kill} followed by {@link #start} brings back the same broker with the same data, as a restarted pod
 * with a persistent volume would.
 */
final class BrokerProcess implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path dataDir;
    private final Path log;
    private final int brokerPort;
    private final int controllerPort;
    private final String heap;
    private final Map<String, String> extra;
    private JvmProcess jvm;

    BrokerProcess(Path dataDir, Path log, String heap, Map<String, String> extraProperties) {
        this.dataDir = dataDir;
        this.log = log;
        this.heap = heap;
        this.extra = Map.copyOf(extraProperties);
        this.brokerPort = freePort();
        int c = freePort();
        while (c == brokerPort) {
            c = freePort();
        }
        this.controllerPort = c;
    }

    String bootstrap() {
        return BrokerMain.HOST + ":" + brokerPort;
    }

    /** Starts the broker JVM and waits until it answers; returns how long that took (ms). */
    long start() throws InterruptedException {
        long t0 = System.nanoTime();
        List<String> args = new ArrayList<>(List.of(dataDir.toString(), Integer.toString(brokerPort),
                Integer.toString(controllerPort)));
        extra.forEach((k, v) -> args.add(k + "=" + v));
        jvm = JvmProcess.start("broker", List.of("-Xmx" + heap, "-XX:+UseG1GC"), ChaosClasspath.harness(),
                BrokerMain.class.getName(), args, Map.of(), log);
        awaitReady();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /** SIGKILL; returns the wall-clock time of the kill. */
    long kill() throws InterruptedException {
        return jvm.kill();
    }

    boolean alive() {
        return jvm != null && jvm.alive();
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        awaitListening(deadline);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "chaos-broker-probe");
        try (Admin admin = Admin.create(p)) {
            while (true) {
                if (!jvm.alive()) {
                    throw new IllegalStateException("the broker exited (code " + jvm.exitCode() + "):\n"
                            + jvm.logTail(30));
                }
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3_000)).nodes()
                            .get(4, TimeUnit.SECONDS).size();
                    if (nodes == 1) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("broker at " + bootstrap() + " not ready after " + READY_TIMEOUT
                            + ":\n" + jvm.logTail(30));
                }
                Thread.sleep(200);
            }
        }
    }

    /** Waits until the broker port accepts connections (before that, Kafka clients only log connection warnings). */
    private void awaitListening(long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            if (!jvm.alive()) {
                return; // awaitReady reports it with the log
            }
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(BrokerMain.HOST, brokerPort), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (jvm != null) {
            jvm.terminate(Duration.ofSeconds(30));
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(BrokerMain.HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + BrokerMain.HOST, e);
        }
    }

    static int freeLocalPort() {
        return freePort();
    }
}
