package io.normalcy.trainer.config;

/**
 * A configuration value or a per-request override is invalid. {@link #key()} names the offending property
 * (e.g. {@code normalcy.trainer.models.payments.epochs} or, for overrides, {@code epochs}) so an operator can fix
 * it without reading code.
 */
public final class ConfigException extends IllegalArgumentException {
    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
