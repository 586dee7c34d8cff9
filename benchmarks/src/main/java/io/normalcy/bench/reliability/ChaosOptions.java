package io.normalcy.bench.reliability;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    /**
     * Parses the suite's options with picocli (unknown options, missing and malformed values are its errors, which
     * name the option; a repeated option takes its last value, {@code --detector-prop}/{@code --broker-prop}
     * accumulate). {@code --quick} shortens the defaults; options given explicitly still win.
     */
    static ChaosOptions parse(String[] args) {
        Args a = new Args();
        try {
            new CommandLine(a).setOverwrittenOptionsAllowed(true).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        ChaosOptions o = new ChaosOptions();
        if (a.quick) {
            o.quick();
        }
        o.apply(a);
        if (a.quick && a.out == null) {
            o.out = o.out.resolve("quick");
        }
        if (a.soakMinutes != null && o.soakTime.isZero()) {
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

    /** The command line as picocli binds it; null = not given (the default, or {@code --quick}'s, stays). */
    @Command(name = "chaos")
    private static final class Args {
        @Option(names = "--quick")
        boolean quick;
        @Option(names = "--cases")
        String cases;
        @Option(names = "--rate")
        Integer rate;
        @Option(names = "--seconds")
        Integer seconds;
        @Option(names = "--soak-minutes")
        Double soakMinutes;
        @Option(names = "--sample-seconds")
        Integer sampleSeconds;
        @Option(names = "--drain-timeout")
        Integer drainTimeout;
        @Option(names = "--stall-timeout")
        Integer stallTimeout;
        @Option(names = "--fuzz-copies")
        Integer fuzzCopies;
        @Option(names = "--max-latency-ms")
        Integer maxLatencyMs;
        @Option(names = "--max-slope")
        Double maxSlope;
        @Option(names = "--partitions")
        Integer partitions;
        @Option(names = "--seed")
        Long seed;
        @Option(names = "--detector-heap")
        String detectorHeap;
        @Option(names = "--broker-heap")
        String brokerHeap;
        @Option(names = "--out")
        Path out;
        @Option(names = "--api-key")
        String apiKey;
        @Option(names = "--detector-prop")
        List<String> detectorProps = new ArrayList<>();
        @Option(names = "--broker-prop")
        List<String> brokerProps = new ArrayList<>();
    }

    /** Every option given, validated; the others keep their (possibly {@code --quick}) defaults. */
    private void apply(Args a) {
        cases = a.cases == null ? cases : cases(a.cases);
        rate = a.rate == null ? rate : positive("--rate", a.rate);
        trafficTime = a.seconds == null ? trafficTime : Duration.ofSeconds(positive("--seconds", a.seconds));
        soakTime = a.soakMinutes == null ? soakTime : Duration.ofSeconds(Math.round(60 * a.soakMinutes));
        sampleEvery = a.sampleSeconds == null ? sampleEvery
                : Duration.ofSeconds(positive("--sample-seconds", a.sampleSeconds));
        drainTimeout = a.drainTimeout == null ? drainTimeout
                : Duration.ofSeconds(positive("--drain-timeout", a.drainTimeout));
        stallTimeout = a.stallTimeout == null ? stallTimeout
                : Duration.ofSeconds(positive("--stall-timeout", a.stallTimeout));
        fuzzCopies = a.fuzzCopies == null ? fuzzCopies : positive("--fuzz-copies", a.fuzzCopies);
        maxLatency = a.maxLatencyMs == null ? maxLatency
                : Duration.ofMillis(positive("--max-latency-ms", a.maxLatencyMs));
        maxSlopeMbPerMin = a.maxSlope == null ? maxSlopeMbPerMin : a.maxSlope;
        partitions = a.partitions == null ? partitions : positive("--partitions", a.partitions);
        seed = a.seed == null ? seed : a.seed;
        detectorHeap = a.detectorHeap == null ? detectorHeap : a.detectorHeap;
        brokerHeap = a.brokerHeap == null ? brokerHeap : a.brokerHeap;
        out = a.out == null ? out : a.out;
        apiKey = a.apiKey == null ? apiKey : a.apiKey;
        a.detectorProps.forEach(kv -> put(detectorProps, "--detector-prop", kv));
        a.brokerProps.forEach(kv -> put(brokerProps, "--broker-prop", kv));
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
