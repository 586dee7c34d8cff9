package io.normalcy.security;

/**
 * The JSON body of a 401/403, in the error format of the service that answers (each service provides one bean;
 * without one, {@code {"message": "..."}}), so that clients parse authentication errors like any other error.
 */
@FunctionalInterface
public interface SecurityErrorBody {
    Object of(String message);
}
