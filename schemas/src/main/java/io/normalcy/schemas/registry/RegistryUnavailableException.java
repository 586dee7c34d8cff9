package io.normalcy.schemas.registry;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The registry could not answer (connection refused, timeout, 5xx, 401/403, or a 404 that is not the registry's own
 * "schema not found"): a property of the moment, not of the record. Callers must not dead-letter or skip on it; they
 * stop and retry the same record later, so that an outage loses nothing.
 */
public class RegistryUnavailableException extends RetriableException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** First exception in {@code e}'s cause chain that is one, or null. */
    public static RegistryUnavailableException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RegistryUnavailableException r) {
                return r;
            }
        }
        return null;
    }
}
