package io.normalcy.trainer.history;

/** Why an input record was not used for training. */
public enum SkipReason {
    /** the bytes are neither a FeatureVector in Avro nor in JSON */
    UNDECODABLE,
    /** a schema-registry-framed record whose schema id the registry does not know */
    UNKNOWN_SCHEMA,
    /** a record of a mapped topic that does not fit its mapping (a mapped path is missing or of the wrong type) */
    UNMAPPABLE,
    /** a feature of the model is absent */
    MISSING_FEATURE,
    /** a feature is NaN or infinite */
    NON_FINITE_FEATURE,
    /** the record carries features the model does not have (a different producer or schema) */
    WRONG_FEATURE_SET,
    /** a declared context field is absent or a numeric context value is not finite */
    MISSING_CONTEXT,
    /** a value cannot be parsed (files only) */
    INVALID_VALUE
}
