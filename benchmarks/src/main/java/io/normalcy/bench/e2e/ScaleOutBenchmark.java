package io.normalcy.bench.e2e;

import io.normalcy.avro.ModelVersion;
import io.normalcy.bench.e2e.ScaleOutOptions.Shape;
import io.normalcy.bench.e2e.StreamsRun.Kind;
import io.normalcy.bench.e2e.StreamsRun.Result;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;

/**
 * Issue 14, item 5: the real detector topology with 1 instance × 1 stream thread, 1 × 2 and 2 × 1 (configurable)
 * on a 6-partition input topic, on the in-JVM broker, exactly-once as the detector runs by default. It reuses the
 * end-to-end harness: the model ({@link E2eData}), the topics and pre-fill ({@link EndToEndBenchmark#setup}), the
 * JIT warm-up, the measured run ({@link StreamsRun}: every instance started paused and resumed together once each
 * thread holds its tasks; one output per input checked) and the per-thread CPU split ({@link ThreadCpu}).
 *
 * <p>Why the instances share this JVM rather than run as child JVMs: per-thread CPU time splits the detector's
 * threads from the broker's in one process, which per-process CPU of child JVMs could only do with the broker in a
 * third JVM; and a child JVM would start cold, needing its own JIT warm-up per run (minutes on 2 loaded cores)
 * that the shared JVM pays once. The price: GC and JIT threads are shared (counted against the detector, see
 * {@link ScaleOutReport}), and two instances share compiled code and one heap, which two pods would not.
 *
 * <p>The configurations run in alternating order per rep (A B C, C B A, ...) so machine-load drift does not favour
 * one; the load average is recorded before and after each. Prints a line per run and a table; writes
 * {@code scaleout.csv} and {@code scaleout.md} to {@code --out}, the latter with the production sizing
 * ({@link Capacity}) from the measured cost of the first configuration. Options: see {@link ScaleOutOptions}.
 */
public final class ScaleOutBenchmark {
    /** Target rates of the sizing table (issue 14, item 5). */
    static final List<Double> SIZING_RATES = List.of(100_000.0, 1_000_000.0, 10_000_000.0);

    private ScaleOutBenchmark() {
    }

    public static void main(String[] args) {
        try {
            run(ScaleOutOptions.parse(args));
            System.exit(0);
        } catch (Throwable e) {
            System.err.println("scale-out benchmark FAILED: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static void run(ScaleOutOptions so) throws Exception {
        EndToEndOptions o = so.e2e();
        int d = o.dims.get(0);
        System.out.printf("scaleout: %s; %d CPUs, load %s%n", so.describe(),
                Runtime.getRuntime().availableProcessors(), E2eReport.load());
        long t = System.nanoTime();
        ModelVersion model = new E2eData(d).train(o.trainRows, o.epochs, 42L + d, o.blocks, o.hidden);
        System.out.printf("scaleout: trained bench-d%d in %.1f s%n", d, (System.nanoTime() - t) / 1e9);
        Path stateRoot = Files.createTempDirectory("normalcy-bench-scaleout");
        List<ScaleOutReport.Run> runs = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.defaults());
             Admin admin = E2eKafka.admin(broker.bootstrapServers())) {
            String bs = broker.bootstrapServers();
            if (o.warmup > 0) {
                EndToEndBenchmark.warmUp(bs, admin, Map.of(d, model), stateRoot, o, List.of(Kind.DETECTOR));
            }
            StreamsRun.Setup base = EndToEndBenchmark.setup(bs, admin, "bench.scale.d" + d + ".", d, model,
                    o.records, stateRoot, o, o.jfrDir, o.latencySeconds);
            for (int rep = 1; rep <= o.reps; rep++) {
                for (Shape shape : order(so.configs(), rep)) {
                    StreamsRun.Setup s = base.scaled(shape.instances(),
                            Map.of("streams.detector.num.stream.threads", Integer.toString(shape.threads())));
                    String before = E2eReport.load();
                    Result r = StreamsRun.run(s, new E2eData(d), Kind.DETECTOR, "d" + d + "-" + shape + "-" + rep);
                    ScaleOutReport.Run run = new ScaleOutReport.Run(shape, r, before, E2eReport.load());
                    runs.add(run);
                    System.out.println(ScaleOutReport.line(run));
                }
            }
        } finally {
            Utils.delete(stateRoot.toFile());
        }
        ScaleOutReport.Run first = runs.get(0);
        Capacity sizing = new Capacity(
                ScaleOutReport.mean(runs, first.shape(), ScaleOutReport.Run::perDetectorCpuSecond),
                ScaleOutReport.mean(runs, first.shape(), ScaleOutReport.Run::brokerCpuPerRecord), 0.5, 4);
        String md = ScaleOutReport.markdown(runs, so.describe()) + "\n" + sizing.table(SIZING_RATES);
        System.out.println();
        System.out.print(md);
        Files.createDirectories(o.out);
        Files.writeString(o.out.resolve("scaleout.csv"), ScaleOutReport.csv(runs));
        Files.writeString(o.out.resolve("scaleout.md"), md);
        System.out.printf("scaleout: wrote %s and %s; load %s%n", o.out.resolve("scaleout.csv"),
                o.out.resolve("scaleout.md"), E2eReport.load());
    }

    /** The configurations in the order of rep {@code rep}: as given for odd reps, reversed for even ones. */
    static List<Shape> order(List<Shape> configs, int rep) {
        if (rep % 2 == 1) {
            return configs;
        }
        List<Shape> reversed = new ArrayList<>(configs);
        java.util.Collections.reverse(reversed);
        return reversed;
    }
}
