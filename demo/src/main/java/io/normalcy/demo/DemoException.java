package io.normalcy.demo;

/** The demo cannot go on; the message says why and what to check. */
final class DemoException extends RuntimeException {
    DemoException(String message) {
        super(message);
    }
}
