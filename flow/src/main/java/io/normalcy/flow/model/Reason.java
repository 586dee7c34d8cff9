package io.normalcy.flow.model;

/**
 * Why a record could not be scored. The detector routes each reason to the dead-letter topic with this
 * code, so the values are part of the wire contract (docs/design.md, "Runtime model API").
 */
public enum Reason {
    /** A feature the model was trained on is absent from the record. */
    MISSING_FEATURE,
    /** A feature value is NaN or infinite: a density of a non-finite point is meaningless. */
    NON_FINITE_FEATURE,
    /** The record carries a feature the model does not know: usually a schema drift the operator must see. */
    UNKNOWN_FEATURE,
    /** A numeric context value the context encoder needs is absent. */
    MISSING_CONTEXT,
    /** Any other invalid value (e.g. a non-finite numeric context value). */
    INVALID_VALUE
}
