package io.normalcy.demo;

/**
 * The kinds of anomaly the demo injects. They are chosen to cover what a density model catches and a per-feature
 * threshold does not: only {@link #SPIKE} is visible in one feature alone; {@link #BROKEN_CORRELATION} and
 * {@link #WRONG_CONTEXT} consist of values that are each ordinary on their own, and are anomalous only jointly or
 * only given the context, i.e. exactly where a conditional density p(x | c) differs from its marginals.
 */
public enum AnomalyKind {
    /** One feature far out in its tail (5 to 8 standard deviations of its conditional noise). */
    SPIKE("spike"),
    /** Every feature plausible alone, jointly impossible: the amount and its dependents (fee, items, session)
     *  are drawn from opposite tails. */
    BROKEN_CORRELATION("broken-correlation"),
    /** A normal event of another entity type, labelled with this one. */
    WRONG_CONTEXT("wrong-context");

    private final String label;

    AnomalyKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
