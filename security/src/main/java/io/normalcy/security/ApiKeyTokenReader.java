package io.normalcy.security;

import io.micronaut.security.token.reader.HttpHeaderTokenReader;
import jakarta.inject.Singleton;

/**
 * Reads an API key from the {@value #HEADER} request header (the whole value, no scheme prefix), beside Micronaut
 * Security's bearer-token reader. The key then goes through every token validator; {@link ApiKeyTokenValidator}
 * recognises it, the JWT validator does not.
 */
@Singleton
public final class ApiKeyTokenReader extends HttpHeaderTokenReader {
    public static final String HEADER = "X-API-Key";

    @Override
    protected String getPrefix() {
        return null;
    }

    @Override
    protected String getHeaderName() {
        return HEADER;
    }
}
