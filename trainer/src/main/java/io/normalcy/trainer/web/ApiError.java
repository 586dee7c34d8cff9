package io.normalcy.trainer.web;

import io.micronaut.serde.annotation.Serdeable;

/** Error body: a message a person can act on. */
@Serdeable
public record ApiError(String error) {
}
