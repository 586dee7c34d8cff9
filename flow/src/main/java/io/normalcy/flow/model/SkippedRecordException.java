package io.normalcy.flow.model;

import java.util.List;

/**
 * A record that lacks a feature whose missing-value policy is {@link MissingPolicy#SKIP}: it is not scored, and the
 * caller counts it instead of dead-lettering it. A subclass of {@link InvalidInputException} with reason
 * {@link Reason#MISSING_FEATURE} on purpose: a scoring path that does not know about skipping still refuses the record
 * as a missing feature (dead letter, CLI reject) rather than losing it.
 */
public final class SkippedRecordException extends InvalidInputException {
    private static final long serialVersionUID = 1L;
    private final List<String> missing;

    /** @param missing the features the record lacks whose policy is skip, in feature order */
    public SkippedRecordException(String model, List<String> missing) {
        super(Reason.MISSING_FEATURE, "record skipped: missing feature" + (missing.size() == 1 ? " '"
                + missing.get(0) + "'" : "s " + missing) + " (model " + model + ", missing-value policy skip)");
        this.missing = List.copyOf(missing);
    }

    /** The features the record lacks whose policy is skip, in feature order. */
    public List<String> missing() {
        return missing;
    }
}
