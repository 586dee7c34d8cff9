package io.normalcy.trainer.config;

/**
 * Where a training runs. ND4J/SameDiff keeps native memory after every {@code fit()} (measured ~0.3 MB per
 * iteration, never returned), so a long-running service runs each training in a child JVM ({@link #PROCESS})
 * whose exit returns everything to the OS. {@link #IN_PROCESS} is for the CLI and for tests.
 */
public enum Isolation {
    PROCESS, IN_PROCESS
}
