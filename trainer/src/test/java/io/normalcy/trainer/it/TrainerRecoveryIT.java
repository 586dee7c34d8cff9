package io.normalcy.trainer.it;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.testkit.ServiceJvm;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.trainer.TrainerApplication;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing lost in the trainer: requests accepted but unfinished when the trainer stops are finished by the next
 * start of the same instance. The first trainer trains "slowly" (100,000 epochs configured), so it is certainly
 * mid-training when it is stopped; the second has the same instance id and a 2-epoch definition of the model, so
 * the resumed requests (which carry their own window and overrides) finish quickly.
 * <ul>
 *   <li>crash: the first trainer runs in its own JVM and is killed with SIGKILL while one request (from the
 *   topic) is RUNNING and two (from REST, coalesced) wait;</li>
 *   <li>graceful stop: the application context is closed mid-training; the request goes back to QUEUED.</li>
 * </ul>
 */
class TrainerRecoveryIT {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerRecoveryIT.class);

    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    @TempDir
    static Path artifacts;

    static KafkaIo io;
    static String bootstrap;
    static final Instant NOW = Instant.now();
    static final Instant FROM = NOW.minusSeconds(3600);
    static final Instant TO = NOW.plusSeconds(60);

    @BeforeAll
    static void start(KafkaBroker broker) throws Exception {
        bootstrap = broker.bootstrapServers();
        io = new KafkaIo(bootstrap);
        io.createTopics();
        long t = NOW.minusSeconds(600).toEpochMilli();
        io.produceFeatures(Synthetic.vectors("crash", 3_000, 11, t, 300_000));
        io.produceFeatures(Synthetic.vectors("graceful", 3_000, 12, t, 300_000));
    }

    /** Trainer properties; {@code epochs} per model: huge for the trainer that is stopped, small for the one after. */
    private static Map<String, Object> props(String instanceId, int epochs, int port) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("kafka.bootstrap.servers", bootstrap);
        p.put("micronaut.server.port", port);
        p.put("normalcy.trainer.instance-id", instanceId);
        p.put("normalcy.trainer.artifact-dir", artifacts.toString());
        p.put("normalcy.trainer.isolation", "in-process");
        for (String model : List.of("crash", "graceful")) {
            String m = "normalcy.trainer.models." + model + ".";
            p.put(m + "features", "x1,x2");
            p.put(m + "categorical-context", "region");
            p.put(m + "blocks", 1);
            p.put(m + "hidden", 8);
            p.put(m + "epochs", epochs);
            p.put(m + "patience", epochs);
            p.put(m + "min-context-samples", 100);
        }
        return p;
    }

    @Test
    void requestsOfAKilledTrainerAreResumedByItsRestart() throws Exception {
        int port = freePort();
        Process first = startInSeparateJvm(props("recovery-crash", 100_000, port));
        EmbeddedServer second = null;
        try {
            io.requestRetrain("crash-1", "crash", FROM, TO);
            awaitStatus("crash-1", s -> s.getState() == TrainingState.RUNNING && s.getEpoch() != null
                    && s.getEpoch() >= 1, Duration.ofMinutes(3));
            HttpResponse<String> queued = post(port, "/models/crash/retrain", "{\"requestId\":\"crash-2\",\"windowStart\":\""
                    + FROM + "\",\"windowEnd\":\"" + TO + "\"}");
            assertTrue(queued.body().contains("\"QUEUED\""), queued.body());
            HttpResponse<String> coalesced = post(port, "/models/crash/retrain", "{\"requestId\":\"crash-3\",\"windowStart\":\""
                    + FROM + "\",\"windowEnd\":\"" + TO + "\",\"overrides\":{\"epochs\":\"3\"}}");
            assertTrue(coalesced.body().contains("\"COALESCED\""), coalesced.body());
            awaitStatus("crash-3", s -> s.getState() == TrainingState.QUEUED, Duration.ofSeconds(30));

            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            long killed = System.nanoTime();
            LOG.info("killed the first trainer (SIGKILL) while crash-1 was RUNNING: {}", latest("crash-1"));

            // 4 epochs: crash-3's override (3) must stay within the restarted trainer's configuration (overrides may
            // lower a model's limits, never raise them)
            second = ApplicationContext.run(EmbeddedServer.class, props("recovery-crash", 4, -1));
            TrainingStatus one = last(io.awaitTerminal("crash-1", Duration.ofMinutes(3)));
            TrainingStatus two = last(io.awaitTerminal("crash-2", Duration.ofMinutes(3)));
            TrainingStatus three = last(io.awaitTerminal("crash-3", Duration.ofMinutes(3)));
            LOG.info("all three requests finished {} s after the kill",
                    String.format("%.1f", (System.nanoTime() - killed) / 1e9));
            assertEquals(TrainingState.SUCCEEDED, one.getState(), one.toString());
            assertEquals(4, one.getTotalEpochs(), "resumed with the restarted trainer's definition: " + one);
            assertEquals(TrainingState.SUCCEEDED, two.getState(), two.toString());
            assertEquals(TrainingState.SUCCEEDED, three.getState(), three.toString());
            assertEquals(two.getPublishedVersion(), three.getPublishedVersion(), "still coalesced into one training");
            assertEquals(3, three.getTotalEpochs(), "crash-3's own override survived the crash: " + three);
            for (String id : List.of("crash-1", "crash-2", "crash-3")) {
                assertTrue(io.statuses(id).stream().anyMatch(s -> s.getState() == TrainingState.QUEUED
                        && s.getMessage().startsWith("resumed after a trainer restart")), id + ": " + io.statuses(id));
            }
            assertNothingUnfinished();
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void aTrainingStoppedByAGracefulShutdownIsResumedByTheRestart() throws Exception {
        EmbeddedServer first = ApplicationContext.run(EmbeddedServer.class, props("recovery-graceful", 100_000, -1));
        EmbeddedServer second = null;
        try {
            HttpResponse<String> accepted = post(first.getPort(), "/models/graceful/retrain",
                    "{\"requestId\":\"graceful-1\",\"windowStart\":\"" + FROM + "\",\"windowEnd\":\"" + TO + "\"}");
            assertEquals(202, accepted.statusCode(), accepted.body());
            awaitStatus("graceful-1", s -> s.getState() == TrainingState.RUNNING && s.getEpoch() != null
                    && s.getEpoch() >= 1, Duration.ofMinutes(2));
            first.close();
            TrainingStatus stopped = awaitStatus("graceful-1", s -> s.getState() != TrainingState.RUNNING,
                    Duration.ofSeconds(30));
            assertEquals(TrainingState.QUEUED, stopped.getState(), "back to QUEUED, not failed: " + stopped);
            assertTrue(stopped.getMessage().contains("interrupted by the trainer's shutdown"), stopped.getMessage());

            second = ApplicationContext.run(EmbeddedServer.class, props("recovery-graceful", 2, -1));
            TrainingStatus done = last(io.awaitTerminal("graceful-1", Duration.ofMinutes(3)));
            assertEquals(TrainingState.SUCCEEDED, done.getState(), done.toString());
            assertNothingUnfinished();
        } finally {
            if (first.isRunning()) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
        }
    }

    /** Every request on training-status has reached SUCCEEDED or FAILED. */
    private static void assertNothingUnfinished() {
        Map<String, TrainingStatus> latest = new LinkedHashMap<>();
        io.readAll(KafkaIo.TOPICS.names().trainingStatus(), NormalcySerdes.trainingStatus().deserializer())
                .forEach(s -> latest.put(s.getRequestId(), s));
        List<TrainingStatus> unfinished = latest.values().stream().filter(s -> s.getState() != TrainingState.SUCCEEDED
                && s.getState() != TrainingState.FAILED).toList();
        assertEquals(List.of(), unfinished, "requests left non-terminal");
    }

    private static TrainingStatus awaitStatus(String id, Predicate<TrainingStatus> p, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            TrainingStatus s = latest(id);
            if (s != null && p.test(s)) {
                return s;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(id + ": no matching status within " + timeout + "; statuses: " + io.statuses(id));
    }

    private static TrainingStatus latest(String id) {
        List<TrainingStatus> s = io.statuses(id);
        return s.isEmpty() ? null : last(s);
    }

    private static TrainingStatus last(List<TrainingStatus> s) {
        return s.get(s.size() - 1);
    }

    private static Process startInSeparateJvm(Map<String, Object> props) throws Exception {
        return ServiceJvm.start(TrainerApplication.class, "768m", props,
                Path.of("target", "trainer-recovery-first-jvm.log"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> post(int port, String path, String json) throws Exception {
        return HttpClient.newHttpClient().send(TestCredentials.admin(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
