package io.normalcy.trainer.web;

import io.normalcy.security.SecurityErrorBody;
import jakarta.inject.Singleton;

/** 401/403 bodies in the trainer's {@link ApiError} format ({@code {"error": "..."}}). */
@Singleton
final class SecurityErrors implements SecurityErrorBody {
    @Override
    public Object of(String message) {
        return new ApiError(message);
    }
}
