package io.normalcy.bench.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of the reliability suite ({@code bin/chaos}, {@code bin/bench --only reliability}).
 *
 * <p>Why pass-through options ({@code --detector-prop}, {@code --broker-prop}, {@code --api-key}): the suite measures
 * the detector as deployed, so a deployment's own settings (HTTP auth, static membership, session timeouts, new
 * security keys) must reach the detector processes unchanged rather than be hard-coded here.
 */
final class ChaosOptions {
    /** Every case, in run order (the broker case restarts the shared broker, so it runs after the detector kills). */
    static final List<String> ALL_CASES = List.of("kill", "kill-derived", "cooldown", "sigterm", "failover", "broker", "fuzz",
            "models", "redos-api", "redos-topic", "soak");

    boolean quick;
    List<String> cases = ALL_CASES;
    /** Paced producer rate of the good traffic, records/s. */
    int rate = 300;
    /** Traffic duration of the crash cases. */
    Duration trafficTime = Duration.ofSeconds(60);
    Duration soakTime = Duration.ofMinutes(10);
    /** How often the soak samples heap-after-GC. */
    Duration sampleEvery = Duration.ofSeconds(20);
    /** Longest wait for every input to be accounted for after the traffic stopped. */
    Duration drainTimeout = Duration.ofSeconds(180);
    /** A drain with no consumer progress and no new output for this long is a stall (reported, not waited out). */
    Duration stallTimeout = Duration.ofSeconds(75);
    /** Fuzz: copies of each malformed kind. */
    int fuzzCopies = 3;
    /** ReDoS: seconds of traffic after the pathological alert. */
    Duration redosTraffic = Duration.ofSeconds(45);
    /** ReDoS: largest acceptable p99 producer→visible-score latency of the records after the pathological alert. */
    Duration maxLatency = Duration.ofSeconds(5);
    /** Soak: largest acceptable heap-after-GC slope, MB per minute. */
    double maxSlopeMbPerMin = 2.0;
    int partitions = 3;
    long seed = 42;
    String detectorHeap = "384m";
    String brokerHeap = "768m";
    Path out = Path.of("benchmarks", "results", "reliability");
    /** Sent as X-API-Key on every HTTP call to a detector (null = none). */
    String apiKey = System.getenv("NORMALCY_API_KEY");
    /** Applied last to every detector; "{instance}" in a value becomes the instance's id (chaos-case-a). */
    final Map<String, String> detectorProps = new LinkedHashMap<>();
    final Map<String, String> brokerProps = new LinkedHashMap<>();

    static ChaosOptions parse(String[] args) {
        ChaosOptions o = new ChaosOptions();
        boolean quick = Arrays.asList(args).contains("--quick");
        if (quick) {
            o.quick();
        }
        java.util.Set<String> given = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--quick")) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            o.set(a, args[++i]);
            given.add(a);
        }
        if (quick && !given.contains("--out")) {
            o.out = o.out.resolve("quick");
        }
        if (given.contains("--soak-minutes") && o.soakTime.isZero()) {
            throw new IllegalArgumentException("--soak-minutes must be > 0");
        }
        if (o.apiKey == null || o.apiKey.isBlank()) {
            // the detectors run with authentication on, as in production: a key of this run's own
            byte[] random = new byte[24];
            new java.security.SecureRandom().nextBytes(random);
            o.apiKey = "chaos-" + java.util.HexFormat.of().formatHex(random);
        }
        return o;
    }

    /** {@code --quick}: shorter traffic, soak and sampling, one fuzz copy (options given explicitly still win). */
    private void quick() {
        quick = true;
        trafficTime = Duration.ofSeconds(30);
        soakTime = Duration.ofMinutes(1);
        sampleEvery = Duration.ofSeconds(8);
        fuzzCopies = 1;
        redosTraffic = Duration.ofSeconds(20);
    }

    /** One option {@code a} with its value {@code v}. */
    private void set(String a, String v) {
        switch (a) {
            case "--cases" -> cases = cases(v);
            case "--rate" -> rate = positive(a, Integer.parseInt(v));
            case "--seconds" -> trafficTime = Duration.ofSeconds(positive(a, Integer.parseInt(v)));
            case "--soak-minutes" -> soakTime = Duration.ofSeconds(Math.round(60 * Double.parseDouble(v)));
            case "--sample-seconds" -> sampleEvery = Duration.ofSeconds(positive(a, Integer.parseInt(v)));
            case "--drain-timeout" -> drainTimeout = Duration.ofSeconds(positive(a, Integer.parseInt(v)));
            case "--stall-timeout" -> stallTimeout = Duration.ofSeconds(positive(a, Integer.parseInt(v)));
            case "--fuzz-copies" -> fuzzCopies = positive(a, Integer.parseInt(v));
            case "--max-latency-ms" -> maxLatency = Duration.ofMillis(positive(a, Integer.parseInt(v)));
            case "--max-slope" -> maxSlopeMbPerMin = Double.parseDouble(v);
            case "--partitions" -> partitions = positive(a, Integer.parseInt(v));
            case "--seed" -> seed = Long.parseLong(v);
            case "--detector-heap" -> detectorHeap = v;
            case "--broker-heap" -> brokerHeap = v;
            case "--out" -> out = Path.of(v);
            case "--api-key" -> apiKey = v;
            case "--detector-prop" -> put(detectorProps, a, v);
            case "--broker-prop" -> put(brokerProps, a, v);
            default -> throw new IllegalArgumentException("unknown option " + a);
        }
    }

    private static List<String> cases(String v) {
        List<String> out = new ArrayList<>();
        for (String c : v.split(",")) {
            String name = c.trim();
            if (!ALL_CASES.contains(name)) {
                throw new IllegalArgumentException("unknown case '" + name + "' in --cases (known: "
                        + String.join(",", ALL_CASES) + ")");
            }
            out.add(name);
        }
        // keep the run order of ALL_CASES whatever order was given
        return ALL_CASES.stream().filter(out::contains).toList();
    }

    private static void put(Map<String, String> into, String option, String kv) {
        int eq = kv.indexOf('=');
        if (eq < 1) {
            throw new IllegalArgumentException(option + " wants key=value, got '" + kv + "'");
        }
        into.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
    }

    private static int positive(String option, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + v);
        }
        return v;
    }

    String describe() {
        return String.format("%s mode; cases %s; traffic %d records/s for %d s per crash case; soak %s; fuzz %d "
                        + "cop%s per kind; %d partitions; detector heap %s; HTTP API key %s%s%s",
                quick ? "quick" : "full", String.join(",", cases), rate, trafficTime.toSeconds(),
                soakTime.toSeconds() % 60 == 0 ? soakTime.toMinutes() + " min" : soakTime.toSeconds() + " s",
                fuzzCopies, fuzzCopies == 1 ? "y" : "ies", partitions, detectorHeap,
                apiKey == null ? "none" : "set",
                detectorProps.isEmpty() ? "" : "; detector props " + detectorProps.keySet(),
                brokerProps.isEmpty() ? "" : "; broker props " + brokerProps);
    }
}
