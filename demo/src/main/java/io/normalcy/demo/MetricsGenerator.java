package io.normalcy.demo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Raw JSON host metrics for {@code bin/demo --scenario metrics}: the kind of topic a user already has, not Normalcy's
 * {@code FeatureVector}. Hosts of four kinds report cpu (%, 0.1 steps), latency (ms, 0.1 steps) and an error count
 * every 15 simulated minutes, with a daily cycle; each host has its own level around its kind's.
 *
 * <p>The scored stream carries two kinds of injected truth. A <b>spike</b> is far outside every host's range. A
 * <b>level shift</b> is a host taking on the profile of another kind for good (a cache host that starts behaving like a
 * database host): every value is normal for the population, only the host's own history says otherwise, which is what
 * derived features are for. The first {@link #SHIFT_LABELLED} events after a shift are labelled; the events after a
 * spike or a shift whose history window ({@link #WINDOW} events) still holds the old level are labelled
 * {@link Label#SETTLING} and kept out of precision (they are neither injected anomalies nor ordinary events).
 */
final class MetricsGenerator {
    /** Simulated time between two reports of one host. */
    static final long STEP_MILLIS = 15 * 60_000L;
    /** Length of the history windows of the derived features ({@code cpu.mean_20}, ...). */
    static final int WINDOW = 20;
    /** Events after a level shift that count as the injected anomaly. */
    static final int SHIFT_LABELLED = 8;
    /** Stream rounds before any level shift: the detector's per-host histories fill up first. */
    static final int WARM_UP = WINDOW + 4;

    /** What an event of the scored stream is, for the summary. */
    enum Label { NORMAL, SPIKE, LEVEL_SHIFT, SETTLING }

    /** A host kind: its levels (cpu %, latency ms, errors per report) and how strongly it follows the daily cycle. */
    record Kind(String name, int hosts, double cpu, double cpuSd, double latency, double latencySd, double errors,
                double dailyAmplitude) {
    }

    static final List<Kind> KINDS = List.of(
            new Kind("web", 20, 45, 4, 120, 10, 2, 0.35),
            new Kind("db", 10, 30, 2.5, 15, 1.5, 0.2, 0.2),
            new Kind("cache", 12, 10, 1.2, 1.5, 0.2, 0.05, 0.3),
            new Kind("batch", 8, 80, 4, 600, 50, 1, -0.15));

    /** One host: name, its kind (changed by a level shift) and its own level relative to the kind's. */
    private static final class Host {
        final String name;
        Kind kind;
        final double level;
        int settling;
        int shiftedFor = -1;

        Host(String name, Kind kind, double level) {
            this.name = name;
            this.kind = kind;
            this.level = level;
        }
    }

    /** One report: the record key (host), its event time, its JSON value and its truth. */
    record Event(String host, long eventTime, String eventId, String json, Label label) {
        byte[] value() {
            return json.getBytes(StandardCharsets.UTF_8);
        }
    }

    private final Random rng;
    private final List<Host> hosts = new ArrayList<>();
    private final String idPrefix;
    private long time;
    private long round;

    MetricsGenerator(long seed, long startMillis, String idPrefix) {
        this.rng = new Random(seed);
        this.time = startMillis;
        this.idPrefix = idPrefix;
        for (Kind k : KINDS) {
            for (int i = 1; i <= k.hosts(); i++) {
                hosts.add(new Host(String.format(Locale.ROOT, "%s-%02d", k.name(), i), k, 1 + 0.06 * rng.nextGaussian()));
            }
        }
    }

    static int hostCount() {
        return KINDS.stream().mapToInt(Kind::hosts).sum();
    }

    long currentTime() {
        return time;
    }

    /** {@code rounds} reports of every host, without anomalies: what the models train on. */
    List<Event> history(int rounds) {
        List<Event> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            round(out, Set.of(), Set.of());
        }
        return out;
    }

    /**
     * The scored stream: {@code rounds} reports of every host, {@code spikeRate} of them spikes, and
     * {@code shifts} hosts shifting to the next kind's profile at a random round after {@link #WARM_UP}.
     */
    List<Event> stream(int rounds, double spikeRate, int shifts) {
        if (rounds < WARM_UP + SHIFT_LABELLED) {
            throw new IllegalArgumentException("the metrics stream needs at least " + (WARM_UP + SHIFT_LABELLED)
                    + " rounds (" + (WARM_UP + SHIFT_LABELLED) * hostCount() + " events), got " + rounds);
        }
        List<Host> shuffled = new ArrayList<>(hosts);
        java.util.Collections.shuffle(shuffled, rng);
        List<Host> shifting = shuffled.subList(0, Math.min(shifts, hosts.size()));
        int[] shiftRound = new int[shifting.size()];
        for (int i = 0; i < shiftRound.length; i++) {
            shiftRound[i] = WARM_UP + rng.nextInt(rounds - WARM_UP - SHIFT_LABELLED + 1);
        }
        List<Event> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            Set<Host> shiftNow = new HashSet<>();
            for (int i = 0; i < shiftRound.length; i++) {
                if (shiftRound[i] == r) {
                    shiftNow.add(shifting.get(i));
                }
            }
            Set<Host> spikes = new HashSet<>();
            for (Host h : hosts) {
                if (!shifting.contains(h) && h.settling == 0 && rng.nextDouble() < spikeRate) {
                    spikes.add(h);
                }
            }
            round(out, shiftNow, spikes);
        }
        return out;
    }

    private void round(List<Event> out, Set<Host> shiftNow, Set<Host> spikes) {
        double hour = Math.floorMod(time, 86_400_000L) / 3_600_000.0;
        double cycle = Math.sin(2 * Math.PI * (hour - 8) / 24); // busiest mid-afternoon (UTC)
        for (Host h : hosts) {
            if (shiftNow.contains(h)) {
                h.kind = KINDS.get((KINDS.indexOf(h.kind) + 1) % KINDS.size());
                h.shiftedFor = 0;
                h.settling = WINDOW;
            }
            Label label = Label.NORMAL;
            double cpu;
            double latency;
            long errors;
            Kind k = h.kind;
            double daily = 1 + k.dailyAmplitude() * cycle;
            if (spikes.contains(h)) {
                cpu = 100;
                latency = k.latency() * 20 * (1 + rng.nextDouble());
                errors = 50 + poisson(20);
                label = Label.SPIKE;
                h.settling = WINDOW + 1;
            } else {
                cpu = Math.min(100, Math.max(0, h.level * daily * k.cpu() + k.cpuSd() * rng.nextGaussian()));
                latency = Math.max(0.1, h.level * Math.sqrt(daily) * k.latency() + k.latencySd() * rng.nextGaussian());
                errors = poisson(k.errors() * daily);
            }
            if (h.shiftedFor >= 0) {
                label = h.shiftedFor < SHIFT_LABELLED ? Label.LEVEL_SHIFT : label;
                h.shiftedFor++;
            }
            if (label == Label.NORMAL && h.settling > 0) {
                label = Label.SETTLING;
            }
            if (h.settling > 0) {
                h.settling--;
            }
            String id = idPrefix + "-" + round + "-" + h.name;
            String json = String.format(Locale.ROOT, "{\"id\":\"%s\",\"host\":\"%s\",\"ts\":\"%s\",\"metrics\":"
                    + "{\"cpu\":%.1f,\"latency_ms\":%.1f,\"errors\":%d}}", id, h.name, Instant.ofEpochMilli(time),
                    cpu, latency, errors);
            out.add(new Event(h.name, time, id, json, label));
        }
        time += STEP_MILLIS;
        round++;
    }

    /** Knuth's method; the means here are small. */
    private long poisson(double mean) {
        double limit = Math.exp(-mean);
        double p = rng.nextDouble();
        long k = 0;
        while (p > limit) {
            p *= rng.nextDouble();
            k++;
        }
        return k;
    }
}
