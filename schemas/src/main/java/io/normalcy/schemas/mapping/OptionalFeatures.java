package io.normalcy.schemas.mapping;

import java.util.Set;

/**
 * Which features of a model may be missing from a record (issue 12 item 4): those whose declared missing-value policy
 * is not dead-letter. The {@link RecordMapper} leaves such a feature out of the vector when its path is absent or
 * null, so the scorer applies the model's policy (impute or skip); any other absent path stays a
 * {@link MappingException} naming it. Asked per record with the record's model name, because a mapping may take the
 * model from the record and a new model version may change the policies.
 */
@FunctionalInterface
public interface OptionalFeatures {
    /** No feature may be missing: every absent feature path is a mapping error (the default). */
    OptionalFeatures NONE = model -> Set.of();

    /** The features of {@code model} that may be absent from a record (never null). */
    Set<String> of(String model);
}
