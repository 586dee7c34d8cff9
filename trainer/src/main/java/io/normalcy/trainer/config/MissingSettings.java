package io.normalcy.trainer.config;

import io.normalcy.flow.model.MissingPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's declared missing-value policies (issue 12 item 4): {@code missing-default} for every raw feature not
 * listed, and the lists {@code missing-dead-letter}, {@code missing-impute} and {@code missing-skip} of features with
 * their own policy. Lists of feature names rather than one key per feature ({@code missing.<feature>}) because
 * configuration keys are hyphenated and environment variables split on '_', which would rewrite feature names such as
 * {@code txAmount} or {@code cpu_load}; the lists read like {@code integer-features}. Validated by
 * {@link Parameters#validate}; resolved per feature by {@link #policies}.
 *
 * @param defaultPolicy policy of every raw feature not listed (DEAD_LETTER unless configured)
 */
public record MissingSettings(MissingPolicy defaultPolicy, List<String> deadLetter, List<String> impute,
                              List<String> skip) {
    /** Every feature dead-lettered when missing: the behaviour before policies existed. */
    public static final MissingSettings DEFAULT = new MissingSettings(MissingPolicy.DEAD_LETTER, List.of(), List.of(),
            List.of());

    public MissingSettings {
        defaultPolicy = defaultPolicy == null ? MissingPolicy.DEAD_LETTER : defaultPolicy;
        deadLetter = deadLetter == null ? List.of() : List.copyOf(deadLetter);
        impute = impute == null ? List.of() : List.copyOf(impute);
        skip = skip == null ? List.of() : List.copyOf(skip);
    }

    /** True when no feature can be missing (every policy resolves to dead-letter). Not named isX: the record travels to the child training JVM as JSON. */
    public boolean allDeadLetter() {
        return defaultPolicy == MissingPolicy.DEAD_LETTER && impute.isEmpty() && skip.isEmpty();
    }

    /** The policy of raw feature {@code feature}: its list's, else the default. */
    public MissingPolicy policy(String feature) {
        if (deadLetter.contains(feature)) {
            return MissingPolicy.DEAD_LETTER;
        }
        if (impute.contains(feature)) {
            return MissingPolicy.IMPUTE;
        }
        if (skip.contains(feature)) {
            return MissingPolicy.SKIP;
        }
        return defaultPolicy;
    }

    /** The raw features whose policy is not dead-letter, in {@code rawFeatures} order, with their policy. */
    public Map<String, MissingPolicy> policies(List<String> rawFeatures) {
        Map<String, MissingPolicy> out = new LinkedHashMap<>();
        for (String f : rawFeatures) {
            MissingPolicy p = policy(f);
            if (p != MissingPolicy.DEAD_LETTER) {
                out.put(f, p);
            }
        }
        return out;
    }
}
