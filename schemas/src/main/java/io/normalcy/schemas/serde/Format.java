package io.normalcy.schemas.serde;

/** Wire format in which feature vectors are written; readers of {@link FeatureVectorSerde} accept both. */
public enum Format {
    /** Avro single-object encoding (compact, schema-checked; the default). */
    AVRO,
    /** JSON object as documented in {@link FeatureVectorJsonSerde} (easy to produce from any language). */
    JSON
}
