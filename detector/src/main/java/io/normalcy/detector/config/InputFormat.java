package io.normalcy.detector.config;

/**
 * Wire format of the {@code FeatureVector} values of one input topic. {@code AUTO} sniffs every record (Avro
 * single-object encoding starts with the marker bytes {@code C3 01}, JSON with <code>{</code>), which costs one
 * byte comparison; pinning the format makes a producer that sends the other one fail loudly into the DLQ.
 */
public enum InputFormat {
    AVRO, JSON, AUTO
}
