package io.normalcy.detector.api;

import io.normalcy.detector.subscription.ApiError;
import io.normalcy.security.SecurityErrorBody;
import jakarta.inject.Singleton;

/** 401/403 bodies in the detector's {@link ApiError} format ({@code message}, no field errors). */
@Singleton
final class SecurityErrors implements SecurityErrorBody {
    @Override
    public Object of(String message) {
        return ApiError.of(message);
    }
}
