package io.normalcy.trainer.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.normalcy.trainer.publish.ModelSummary;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /models/{name}}: configuration (when configured here) and published versions that are not retired,
 * newest first; {@code pinnedVersion}: the version a PIN in force makes detectors serve instead of the newest.
 */
@Serdeable
public record ModelView(String name, boolean configured, @Nullable Map<String, String> definition,
                        @Nullable Long latestVersion, List<ModelSummary> versions, @Nullable Long pinnedVersion) {

    /** One entry of {@code GET /models}. */
    @Serdeable
    public record Entry(String name, boolean configured, @Nullable Long latestVersion, @Nullable Double validationNll,
                        @Nullable Long createdAt, @Nullable Long pinnedVersion) {
    }
}
