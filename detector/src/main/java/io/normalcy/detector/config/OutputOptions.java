package io.normalcy.detector.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What the detector puts on its scores and alerts beyond the verdict ({@code normalcy.detector.output.*}).
 *
 * @param contributions         which scores carry their per-feature terms ({@code contributionTerms}); alerts always
 *                              carry their full explanation (top features with terms and expected ranges)
 * @param carriedHeaders        Kafka header names (e.g. W3C {@code traceparent}) copied from an input record onto the
 *                              scores and alerts made from it, so a trace continues through the detector
 * @param maxCarriedHeaderBytes largest carried header value; a larger one is not copied (and counted), so an input
 *                              cannot make an output the producer would refuse
 */
public record OutputOptions(Contributions contributions, List<String> carriedHeaders, int maxCarriedHeaderBytes) {
    public static final String PREFIX = "normalcy.detector.output.";
    /** W3C Trace Context: the trace id and parent span, and vendor state. */
    public static final List<String> DEFAULT_CARRIED_HEADERS = List.of("traceparent", "tracestate");
    /** W3C asks vendors to propagate at least 512 characters of tracestate; twice that leaves room. */
    public static final int DEFAULT_MAX_CARRIED_HEADER_BYTES = 1024;
    /** Upper bound of {@code max-carried-header-bytes}: headers count against the producer's record limit. */
    public static final int MAX_CARRIED_HEADER_BYTES = 8192;

    /**
     * Which scores carry contributions. Why not always: encoding D terms per score was ~10 % of the detector's stream
     * thread (docs/benchmarks.md), and most consumers of NORMAL scores read only the verdict.
     */
    public enum Contributions {
        /** every score */
        ALL,
        /** only scores whose severity is WARNING or CRITICAL (the default) */
        ALERTS,
        /** no score (alerts still list their top features) */
        NONE;

        /** @throws IllegalArgumentException naming the key on an unknown value */
        public static Contributions parse(String value) {
            try {
                return valueOf(Objects.requireNonNull(value).trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException(PREFIX + "contributions must be all, alerts or none, got '" + value
                        + "'");
            }
        }

        /** Whether a score of this severity carries its terms. */
        public boolean includes(boolean flagged) {
            return this == ALL || (this == ALERTS && flagged);
        }
    }

    public OutputOptions {
        Objects.requireNonNull(contributions, PREFIX + "contributions");
        Set<String> names = new LinkedHashSet<>();
        for (String h : carriedHeaders == null ? List.<String>of() : carriedHeaders) {
            if (h == null || h.isBlank() || !h.strip().equals(h)) {
                throw new IllegalArgumentException(PREFIX + "carried-headers: '" + h
                        + "' is not a header name (blank or surrounded by spaces)");
            }
            names.add(h);
        }
        carriedHeaders = List.copyOf(names);
        if (maxCarriedHeaderBytes < 1 || maxCarriedHeaderBytes > MAX_CARRIED_HEADER_BYTES) {
            throw new IllegalArgumentException(PREFIX + "max-carried-header-bytes must be between 1 and "
                    + MAX_CARRIED_HEADER_BYTES + ", got " + maxCarriedHeaderBytes);
        }
    }

    /**
     * The configured list, where the single entry {@code none} means no header (an empty list cannot be told apart
     * from an absent one in every configuration source).
     */
    public static List<String> carried(List<String> configured) {
        return configured.size() == 1 && "none".equalsIgnoreCase(configured.get(0).strip()) ? List.of() : configured;
    }

    /** Contributions on alerting scores only, W3C trace headers of up to 1 kB carried. */
    public static OutputOptions defaults() {
        return new OutputOptions(Contributions.ALERTS, DEFAULT_CARRIED_HEADERS, DEFAULT_MAX_CARRIED_HEADER_BYTES);
    }

    public OutputOptions withContributions(Contributions c) {
        return new OutputOptions(c, carriedHeaders, maxCarriedHeaderBytes);
    }
}
