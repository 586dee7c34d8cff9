package io.normalcy.detector.console;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micrometer.core.instrument.Counter;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.security.Roles;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /console/api/counts}: the counters the web console shows beside the feed (dead letters by reason,
 * parked records by model, alerts by model and severity, drift retrain requests by model), read from the detector's own
 * Micrometer registry, so they are this instance's counts since it started (Prometheus holds the fleet's). The
 * console's static files under {@code /console} are public; this data endpoint needs the read role like
 * {@code /models}.
 * <p>
 * Output is bounded: a parked record names any model it likes, so each map keeps the {@value #MAX_ENTRIES} largest
 * counts and {@code omitted} says how many label values were left out (the registry itself caps untrusted model tags,
 * {@link DetectorMetrics#MAX_UNTRUSTED_MODELS}).
 */
@Controller("/console/api")
public class ConsoleController {
    static final int MAX_ENTRIES = 50;

    private final DetectorMetrics metrics;

    ConsoleController(DetectorMetrics metrics) {
        this.metrics = metrics;
    }

    @Get(value = "/counts", produces = MediaType.APPLICATION_JSON)
    @Secured({Roles.READ, Roles.ADMIN})
    public Counts counts() {
        Bounded dlq = byTag(DetectorMetrics.DLQ, "reason");
        Bounded parked = byTag(DetectorMetrics.PARKED, "model");
        Bounded alerts = byTag(DetectorMetrics.ALERTS, "model", "severity");
        Bounded retrain = byTag(DetectorMetrics.RETRAIN, "model");
        return new Counts(dlq.counts(), parked.counts(), alerts.counts(), retrain.counts(),
                dlq.omitted() + parked.omitted() + alerts.omitted() + retrain.omitted());
    }

    /** Sums a counter by the values of {@code tags} (joined with {@code /}), keeping the largest few. */
    private Bounded byTag(String name, String... tags) {
        Map<String, Double> sums = new TreeMap<>();
        for (Counter c : metrics.registry().find(name).counters()) {
            StringBuilder key = new StringBuilder();
            for (String t : tags) {
                String v = c.getId().getTag(t);
                key.append(key.isEmpty() ? "" : "/").append(v == null ? "" : v);
            }
            sums.merge(key.toString(), c.count(), Double::sum);
        }
        List<Map.Entry<String, Double>> top = sums.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_ENTRIES).toList();
        Map<String, Long> out = new LinkedHashMap<>();
        top.forEach(e -> out.put(e.getKey(), Math.round(e.getValue())));
        return new Bounded(out, sums.size() - out.size());
    }

    private record Bounded(Map<String, Long> counts, int omitted) {
    }

    /**
     * This instance's counts since start, largest first (empty maps included, so clients need no default):
     * {@code deadLetters} by reason, {@code parked} by model, {@code alerts} by {@code model/severity},
     * {@code retrainRequests} by model (drift); {@code omitted}: label values left out to keep the answer
     * small.
     */
    @Serdeable
    public record Counts(@JsonInclude(ALWAYS) Map<String, Long> deadLetters,
                         @JsonInclude(ALWAYS) Map<String, Long> parked, @JsonInclude(ALWAYS) Map<String, Long> alerts,
                         @JsonInclude(ALWAYS) Map<String, Long> retrainRequests, int omitted) {
    }
}
