package io.normalcy.flow.model;

/** Outcome of comparing a log-density with the calibrated thresholds, ordered from least to most severe. */
public enum Severity {
    NORMAL, WARNING, CRITICAL
}
