package io.normalcy.security;

/**
 * Invalid or missing HTTP security configuration. The message starts with the offending key, as the services'
 * other configuration errors do, so that the operator can fix it from the start-up log alone.
 */
public final class SecurityConfigException extends IllegalArgumentException {
    private final String key;

    public SecurityConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
