package io.normalcy.trainer.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/**
 * Body of {@code POST /models/{name}/retrain}; every field optional.
 *
 * @param windowStart ISO-8601 instant or epoch ms
 * @param windowEnd   ISO-8601 instant or epoch ms (default now)
 * @param window      ISO-8601 duration before windowEnd (e.g. PT6H), used when windowStart is absent
 * @param requestId   client-chosen id for idempotent retries (default: a random UUID)
 */
@Serdeable
public record RetrainBody(@Nullable String reason, @Nullable String windowStart, @Nullable String windowEnd,
                          @Nullable String window, @Nullable Map<String, String> overrides,
                          @Nullable String requestId) {
}
