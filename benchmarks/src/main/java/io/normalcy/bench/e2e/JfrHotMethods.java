package io.normalcy.bench.e2e;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a thread's time and allocations go, from a JFR recording of {@link EndToEndBenchmark} ({@code --jfr DIR}):
 * {@code java -cp ... io.normalcy.bench.e2e.JfrHotMethods FILE.jfr [thread-substring] [top] [buckets]} (default
 * thread "StreamThread", top 25, buckets {@link #BUCKETS}). Prints, for the execution samples of matching threads:
 * the share of samples with each bucket ({@code Class.method} or {@code Class.*}, simple class names) on the stack
 * — a fixed breakdown of the per-record path that can be compared across runs — then the hottest methods by self time
 * (top frame) and by inclusive time (method anywhere on the stack, counted once per sample — stacks are truncated
 * at JFR's default depth of 64, so outer frames can be under-counted); for allocation samples: the sampled weight
 * by allocated class and by the innermost non-JDK frame. A plain reader rather than JMC, so the profile is a
 * command in the repository.
 */
public final class JfrHotMethods {
    /** Default buckets: the stages of both topologies' per-record path, and Streams' poll and commit. */
    static final String BUCKETS = "StreamTask.process,AvroSerde.deserialize,AvroBounds.check,AvroSerde.serialize,"
            + "Scorer.score,Flow.logProb,Scorer.readFeatures,EventFactory.scored,EventFactory.alert,Codecs.scored,"
            + "Codecs.alert,DetectorMetrics.*,AbstractTimer.record,DriftMonitor.observe,Thresholds.evaluate,"
            + "ScoringProcessor.coolingDown,SinkNode.process,StreamThread.pollPhase,TaskManager.commit,"
            + "StreamsProducer.commitTransaction";

    private JfrHotMethods() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: JfrHotMethods FILE.jfr [thread-substring] [top]");
            System.exit(2);
        }
        String thread = args.length > 1 ? args[1] : "StreamThread";
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        Profile p = new Profile(List.of((args.length > 3 ? args[3] : BUCKETS).split(",")));
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            boolean exec = type.equals("jdk.ExecutionSample");
            boolean alloc = type.equals("jdk.ObjectAllocationSample");
            if (!exec && !alloc) {
                continue;
            }
            var t = exec ? e.getThread("sampledThread") : e.getThread("eventThread");
            RecordedStackTrace st = e.getStackTrace();
            if (t == null || t.getJavaName() == null || !t.getJavaName().contains(thread) || st == null
                    || st.getFrames().isEmpty()) {
                continue;
            }
            if (exec) {
                p.execution(st.getFrames());
            } else {
                p.allocation(e, st.getFrames());
            }
        }
        System.out.printf("%s: %d execution samples of threads matching '%s'%n", args[0], p.samples, thread);
        System.out.printf("%nbuckets (share of samples with the method on the stack):%n");
        long n = p.samples;
        p.bucketCounts.forEach((b, c) -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * c / n, b));
        print("self (top frame)", p.self, p.samples, top);
        print("inclusive (on the stack)", p.inclusive, p.samples, top);
        System.out.printf("%nallocation samples: %.1f MB sampled weight%n", p.allocTotal / 1e6);
        print("allocated class", p.allocByClass, p.allocTotal, top / 2);
        print("allocation site (innermost non-JDK frame)", p.allocBySite, p.allocTotal, top);
    }

    /** Sample counts of the matching thread: per method (self, inclusive), per bucket, allocations by class/site. */
    private static final class Profile {
        final List<String> buckets;
        final Map<String, Long> bucketCounts = new java.util.LinkedHashMap<>();
        final Map<String, Long> self = new HashMap<>();
        final Map<String, Long> inclusive = new HashMap<>();
        final Map<String, Long> allocByClass = new HashMap<>();
        final Map<String, Long> allocBySite = new HashMap<>();
        long samples;
        long allocTotal;

        Profile(List<String> buckets) {
            this.buckets = buckets;
            buckets.forEach(b -> bucketCounts.put(b, 0L));
        }

        void execution(List<RecordedFrame> frames) {
            samples++;
            self.merge(name(frames.get(0).getMethod()), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            Set<String> hit = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f.getMethod());
                if (seen.add(n)) {
                    inclusive.merge(n, 1L, Long::sum);
                }
                String simple = n.substring(0, n.indexOf(' '));
                String cls = simple.substring(0, simple.lastIndexOf('.'));
                for (String b : buckets) {
                    if ((b.equals(simple) || b.equals(cls + ".*")) && hit.add(b)) {
                        bucketCounts.merge(b, 1L, Long::sum);
                    }
                }
            }
        }

        void allocation(RecordedEvent e, List<RecordedFrame> frames) {
            long w = e.getLong("weight");
            allocTotal += w;
            allocByClass.merge(e.getClass("objectClass").getName(), w, Long::sum);
            allocBySite.merge(site(frames), w, Long::sum);
        }
    }

    private static String name(RecordedMethod m) {
        String c = m.getType().getName();
        return c.substring(c.lastIndexOf('.') + 1) + "." + m.getName() + " (" + pkg(c) + ")";
    }

    private static String pkg(String c) {
        int dot = c.lastIndexOf('.');
        return dot < 0 ? "" : c.substring(0, dot);
    }

    private static String site(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String c = f.getMethod().getType().getName();
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
                return name(f.getMethod());
            }
        }
        return name(frames.get(0).getMethod());
    }

    private static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.printf("%n%s:%n", title);
        counts.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(top)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * en.getValue() / total,
                        en.getKey()));
    }
}
