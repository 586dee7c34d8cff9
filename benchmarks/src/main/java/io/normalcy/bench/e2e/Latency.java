package io.normalcy.bench.e2e;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * End-to-end latency under a steady, moderate load (not the saturated throughput phase, where latency is just
 * queueing): a producer thread sends {@code rate} records/s for {@code seconds} (linger 0, acks=all, the record
 * timestamp left to the producer = its send time) while the main thread reads the output with read_committed and
 * records receive time − record timestamp, in milliseconds (both from this JVM's wall clock). With exactly-once
 * the result includes waiting for the transaction commit (commit.interval.ms, 100 ms by default under EOS).
 */
final class Latency {
    /** @param firstIndex event index of the first latency record (after the throughput data) */
    record Plan(int rate, int seconds, long firstIndex) {
        int count() {
            return rate * seconds;
        }
    }

    record Stats(int count, double p50, double p99, double max) {
        static final Stats NONE = new Stats(0, Double.NaN, Double.NaN, Double.NaN);
    }

    private Latency() {
    }

    static Stats measure(String bootstrap, E2eData data, String in, String out, Plan plan, String label)
            throws Exception {
        if (plan.count() == 0) {
            return Stats.NONE;
        }
        long[] lat = new long[plan.count()];
        int got = 0;
        try (KafkaConsumer<byte[], byte[]> reader = E2eKafka.committedReader(bootstrap, "bench-reader-" + label)) {
            List<TopicPartition> tps = E2eKafka.partitions(reader, out);
            reader.assign(tps);
            reader.seekToEnd(tps);
            tps.forEach(tp -> reader.position(tp, E2eKafka.CALL_TIMEOUT)); // resolve now: only new records count
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread pacer = new Thread(() -> pace(bootstrap, data, in, plan, label, failed), "bench-pacer-" + label);
            pacer.setDaemon(true);
            pacer.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(plan.seconds() + 60L).toNanos();
            while (got < lat.length) {
                if (System.nanoTime() > deadline || failed.get() != null) {
                    pacer.interrupt();
                    throw new IllegalStateException(label + ": latency phase received " + got + " of " + lat.length
                            + " outputs" + (failed.get() == null ? " in time" : ": " + failed.get()), failed.get());
                }
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (got < lat.length) {
                        lat[got++] = now - r.timestamp();
                    }
                }
            }
            pacer.join(10_000);
        }
        Arrays.sort(lat);
        return new Stats(got, quantile(lat, 0.50), quantile(lat, 0.99), lat[lat.length - 1]);
    }

    private static void pace(String bootstrap, E2eData data, String in, Plan plan, String label,
                             AtomicReference<Throwable> failed) {
        AvroSerde<FeatureVector> serde = AvroSerde.of(FeatureVector.class);
        Random rng = new Random(plan.firstIndex());
        try (KafkaProducer<String, byte[]> p = E2eKafka.producer(bootstrap, "bench-pacer-" + label, 0)) {
            long t0 = System.nanoTime();
            for (int j = 0; j < plan.count(); j++) {
                long due = t0 + (long) (j * 1e9 / plan.rate());
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                FeatureVector fv = data.event(plan.firstIndex() + j, rng);
                p.send(new ProducerRecord<>(in, fv.getEntity(), serde.serialize(in, fv)), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    }
                });
            }
            p.flush();
        } catch (RuntimeException e) {
            failed.compareAndSet(null, e);
        }
    }

    /** Nearest-rank quantile of a sorted sample. */
    static double quantile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
