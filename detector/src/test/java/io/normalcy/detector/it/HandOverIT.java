package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.DetectorApplication;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;
import io.normalcy.testkit.ServiceJvm;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hand-over between detector instances after a crash, measured. Two instances of one application, one input
 * partition each: "a" in its own JVM, killed with SIGKILL mid-stream (no leave, a transaction open), "b" in this
 * JVM. Records keep arriving on both partitions (~200/s) across the kill; every record sent after the kill must be
 * scored within a deadline that the old defaults (dynamic membership, 45 s session timeout) cannot meet:
 * <ul>
 *   <li>"a" does not come back: "b" takes its partition after the session timeout (default 10 s; deadline
 *   10 s + 30 s);</li>
 *   <li>"a" restarts with the same instance id: with static membership it gets its partition back without a
 *   rebalance, even with a 120 s session timeout (deadline 60 s);</li>
 *   <li>"a" stops cleanly (SIGTERM) keeping its membership and restarts with the same id: "b" sees no rebalance;</li>
 *   <li>a second instance with the same id: the first shuts down instead of fencing back.</li>
 * </ul>
 * Logged as "HAND-OVER": the outage (kill → first post-kill record of the dead instance's partition scored) and
 * the time until every post-kill record is scored. Under exactly-once both include the abort of the killed
 * instance's open transaction (transaction.timeout.ms 10 s, expired transactions aborted by the broker every
 * transaction.abort.timed.out.transaction.cleanup.interval.ms, default 10 s): its input offsets stay unstable, and
 * its output unreadable to read_committed consumers, until then.
 */
@ExtendWith(KafkaBrokerExtension.class)
class HandOverIT {
    private static final Logger LOG = LoggerFactory.getLogger(HandOverIT.class);
    private static final String MODEL = "hand-over-model";

    @Test
    void aDeadInstancesPartitionMovesToTheSurvivorAfterTheSessionTimeout(KafkaBroker broker) throws Exception {
        try (Cluster c = new Cluster(broker.bootstrapServers(), "ho1", "hand-over-failover")) {
            c.startBoth();
            Measured m = c.crashAndMeasure(false, Duration.ofSeconds(10 + 30));
            LOG.info("HAND-OVER failover (SIGKILL mid-stream, no restart, default 10 s session timeout): partition {}"
                    + " scores again {} ms after the kill; all {} post-kill records scored after {} ms",
                    m.deadPartitions(), m.outage().toMillis(), m.records(), m.complete().toMillis());
            assertEquals(Set.of("b-1"), c.owners(), "the survivor owns every input partition");
        }
    }

    @Test
    void anInstanceRestartedWithTheSameIdResumesWithoutWaitingForItsSession(KafkaBroker broker) throws Exception {
        try (Cluster c = new Cluster(broker.bootstrapServers(), "ho2", "hand-over-restart")) {
            // a session far longer than the deadline: only static membership can hand the partition back in time
            c.base.put("kafka.streams.detector.session.timeout.ms", "120000");
            c.startBoth();
            Measured m = c.crashAndMeasure(true, Duration.ofSeconds(60));
            LOG.info("HAND-OVER restart (SIGKILL mid-stream, restarted with the same instance id, 120 s session "
                    + "timeout): partition {} scores again {} ms after the kill; all {} post-kill records scored "
                    + "after {} ms", m.deadPartitions(), m.outage().toMillis(), m.records(), m.complete().toMillis());
            assertEquals(Set.of("a-1", "b-1"), c.owners(), "the restarted instance has its partition again");
        }
    }

    @Test
    void aGracefullyStoppedInstanceKeepingItsMembershipResumesWithoutARebalance(KafkaBroker broker) throws Exception {
        try (Cluster c = new Cluster(broker.bootstrapServers(), "ho3", "hand-over-graceful")) {
            c.base.put("normalcy.detector.leave-group-on-close", "false");
            c.base.put("normalcy.detector.session-timeout", "60s"); // room for the JVM to stop and start again
            c.startBoth();
            double rebalances = c.survivorRebalances();
            Measured m = c.stopAndMeasure(Duration.ofSeconds(90));
            LOG.info("HAND-OVER graceful restart (SIGTERM, leave-group-on-close=false, same instance id): partition {}"
                    + " scores again {} ms after the stop signal; all {} later records scored after {} ms",
                    m.deadPartitions(), m.outage().toMillis(), m.records(), m.complete().toMillis());
            assertEquals(Set.of("a-1", "b-1"), c.owners(), "the restarted instance has its partition again");
            assertEquals(rebalances, c.survivorRebalances(), "the other instance saw no rebalance");
        }
    }

    @Test
    void aSecondInstanceWithTheSameIdShutsTheFirstDown(KafkaBroker broker) throws Exception {
        try (Cluster c = new Cluster(broker.bootstrapServers(), "ho4", "hand-over-duplicate-id")) {
            c.createTopics();
            try (ApplicationContext one = ApplicationContext.run(c.instance("same", ItSupport.tempDir().toString()))) {
                KafkaStreams first = one.getBean(KafkaStreams.class);
                awaitState(first, KafkaStreams.State.RUNNING);
                try (ApplicationContext two = ApplicationContext.run(c.instance("same", ItSupport.tempDir().toString()))) {
                    // replacing the fenced thread would fence the newcomer in turn, back and forth
                    awaitState(first, KafkaStreams.State.ERROR);
                    awaitState(two.getBean(KafkaStreams.class), KafkaStreams.State.RUNNING);
                }
            }
        }
    }

    private static void awaitState(KafkaStreams streams, KafkaStreams.State state) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.state() != state && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertEquals(state, streams.state());
    }

    private record Sent(String id, int partition, long nanos) {
    }

    private record Measured(Set<Integer> deadPartitions, Duration outage, Duration complete, int records) {
    }

    /** Instance "a" in a child JVM, instance "b" in this one; same application id, two input partitions. */
    private static final class Cluster implements AutoCloseable {
        private final String bootstrap;
        private final String appId;
        private final DetectorTopics topics;
        final Map<String, Object> base;
        private final KafkaProducer<String, byte[]> producer;
        private final AvroSerde<FeatureVector> serde = AvroSerde.of(FeatureVector.class);
        private final AvroSerde<ScoredEvent> scoreSerde = AvroSerde.of(ScoredEvent.class);
        private final Map<String, Long> scoredAt = new HashMap<>();
        private final KafkaConsumer<byte[], byte[]> scores;
        private final List<Sent> sent = new ArrayList<>();
        private final Random rng = new Random(7);
        private String firstStateDir;
        private Process first;
        private ApplicationContext second;
        private ApplicationContext restarted;
        private volatile boolean producing;

        Cluster(String bootstrap, String prefix, String appId) throws Exception {
            this.bootstrap = bootstrap;
            this.appId = appId;
            this.topics = ItSupport.topics(prefix);
            // the detector's own membership defaults, not the short session of ItSupport
            this.base = ItSupport.appProperties(bootstrap, prefix, appId);
            base.remove("kafka.streams.detector.session.timeout.ms");
            base.remove("kafka.streams.detector.heartbeat.interval.ms");
            base.put("normalcy.detector.ensure-topics", "false");
            this.producer = ItSupport.producer(bootstrap);
            this.scores = ItSupport.committedReader(bootstrap, topics.scores());
        }

        void startBoth() throws Exception {
            createTopics();
            ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 1, 1.0));
            firstStateDir = ItSupport.tempDir().toString();
            first = startInSeparateJvm(instance("a", firstStateDir), appId);
            awaitMembers(1, Duration.ofSeconds(90));
            second = ApplicationContext.run(instance("b", ItSupport.tempDir().toString()));
            awaitMembers(2, Duration.ofSeconds(90));
            for (int p = 0; p < 2; p++) {
                send(p, "warm-up-" + p);
            }
            producer.flush();
            awaitScored(sent.stream().map(Sent::id).toList(), System.nanoTime(), Duration.ofSeconds(90));
            LOG.info("both instances score; input partitions by member: {}", assignment());
        }

        Map<String, Object> instance(String id, String stateDir) {
            Map<String, Object> p = new HashMap<>(base);
            p.put("normalcy.detector.instance-id", id);
            p.put("kafka.streams.detector.state.dir", stateDir);
            return p;
        }

        /**
         * Streams records to both partitions, kills "a" (and restarts it with the same id and state directory when
         * {@code restart}), keeps streaming 2 s, then waits up to {@code deadline} after the kill for every record
         * sent after it to be scored.
         */
        Measured crashAndMeasure(boolean restart, Duration deadline) throws Exception {
            return measure(deadline, () -> {
                first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                long killed = System.nanoTime();
                if (restart) {
                    restarted = ApplicationContext.run(instance("a", firstStateDir));
                }
                return killed;
            });
        }

        /** Like {@link #crashAndMeasure} with SIGTERM (a clean shutdown) and a restart with the same id. */
        Measured stopAndMeasure(Duration deadline) throws Exception {
            return measure(deadline, () -> {
                long stopped = System.nanoTime();
                first.destroy();
                assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the first detector did not stop on SIGTERM");
                restarted = ApplicationContext.run(instance("a", firstStateDir));
                return stopped;
            });
        }

        /** Rebalances the in-process instance "b" has been through (its consumers' rebalance-total). */
        double survivorRebalances() {
            return second.getBean(KafkaStreams.class).metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("rebalance-total")
                            && e.getKey().group().equals("consumer-coordinator-metrics"))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
        }

        private Measured measure(Duration deadline, java.util.concurrent.Callable<Long> incident) throws Exception {
            Set<Integer> dead = new TreeSet<>(Set.of(0, 1));
            second.getBean(KafkaStreams.class).metadataForLocalThreads().forEach(t -> t.activeTasks()
                    .forEach(task -> task.topicPartitions().forEach(tp -> dead.remove(tp.partition()))));
            producing = true;
            Thread stream = new Thread(this::stream, "hand-over-stream");
            stream.start();
            try {
                awaitSent(400); // ~2 s of steady traffic: "a" has a transaction open when it dies
                long killed = incident.call();
                awaitSent(sentCount() + 400);
                producing = false;
                stream.join();
                producer.flush();
                List<Sent> after;
                synchronized (sent) {
                    after = sent.stream().filter(s -> s.nanos() > killed).toList();
                }
                awaitScored(after.stream().map(Sent::id).toList(), killed, deadline);
                long outage = after.stream().filter(s -> dead.contains(s.partition()))
                        .mapToLong(s -> scoredAt.get(s.id())).min().orElseThrow() - killed;
                long complete = after.stream().mapToLong(s -> scoredAt.get(s.id())).max().orElseThrow() - killed;
                return new Measured(dead, Duration.ofNanos(outage), Duration.ofNanos(complete), after.size());
            } finally {
                producing = false;
                stream.join();
            }
        }

        private void stream() {
            int i = 0;
            while (producing) {
                send(i % 2, "stream-" + i);
                i++;
                if (i % 10 == 0) {
                    try {
                        Thread.sleep(50); // pacing (~200 records/s), not synchronisation
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        private void send(int partition, String id) {
            String input = topics.inputs().get(0);
            FeatureVector fv = FeatureVector.newBuilder(ItSupport.event(MODEL, 0, false, rng)).setEventId(id).build();
            producer.send(new ProducerRecord<>(input, partition, fv.getEntity(), serde.serialize(input, fv)));
            synchronized (sent) {
                sent.add(new Sent(id, partition, System.nanoTime()));
            }
        }

        private int sentCount() {
            synchronized (sent) {
                return sent.size();
            }
        }

        private void awaitSent(int n) throws InterruptedException {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (sentCount() < n && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertTrue(sentCount() >= n, "the test producer is stuck at " + sentCount() + " records");
        }

        /** Polls the scores (read_committed) until every id is scored or {@code deadline} after {@code since}. */
        private void awaitScored(List<String> ids, long since, Duration deadline) {
            long end = since + deadline.toNanos();
            while (!scoredAt.keySet().containsAll(ids) && System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : scores.poll(Duration.ofMillis(50))) {
                    scoredAt.putIfAbsent(scoreSerde.deserialize(topics.scores(), r.value()).getEventId(), System.nanoTime());
                }
            }
            long missing = ids.stream().filter(id -> !scoredAt.containsKey(id)).count();
            assertEquals(0, missing, missing + " of " + ids.size() + " records not scored within " + deadline
                    + "; input partitions by member: " + assignment());
        }

        /** The topics as the schemas module's descriptors define them, two partitions per event topic. */
        void createTopics() throws Exception {
            TopicNames names = new TopicNames(topics.inputs().get(0), topics.scores(), topics.alerts(), topics.models(),
                    topics.retrain(), topics.subscriptions(), topics.dlq(), topics.parking(), appId + ".training-status");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicAdmin.ensureTopics(admin, new Topics(names, 2, (short) 1).all());
            }
        }

        /** group.instance.id (member id when dynamic) → input partitions, from the group coordinator. */
        Map<String, Set<Integer>> assignment() {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(appId)).all()
                        .get(30, TimeUnit.SECONDS).get(appId);
                Map<String, Set<Integer>> out = new TreeMap<>();
                for (MemberDescription m : g.members()) {
                    Set<Integer> ps = new TreeSet<>();
                    for (TopicPartition tp : m.assignment().topicPartitions()) {
                        if (tp.topic().equals(topics.inputs().get(0))) {
                            ps.add(tp.partition());
                        }
                    }
                    out.put(m.groupInstanceId().orElse(m.consumerId()), ps);
                }
                return out;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** The members that own input partitions. */
        Set<String> owners() {
            Set<String> owners = new TreeSet<>();
            assignment().forEach((m, ps) -> {
                if (!ps.isEmpty()) {
                    owners.add(m);
                }
            });
            return owners;
        }

        private void awaitMembers(int members, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                Map<String, Set<Integer>> a = assignment();
                if (a.size() == members && a.values().stream().noneMatch(Set::isEmpty)) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new AssertionError(members + " members with input partitions expected within " + timeout + ": "
                    + assignment());
        }

        @Override
        public void close() {
            if (first != null) {
                first.destroyForcibly();
            }
            if (second != null) {
                second.close();
            }
            if (restarted != null) {
                restarted.close();
            }
            scores.close();
            producer.close();
        }
    }

    private static Process startInSeparateJvm(Map<String, Object> props, String name) throws Exception {
        return ServiceJvm.start(DetectorApplication.class, "256m", props, Path.of("target", name + "-first-jvm.log"));
    }
}
