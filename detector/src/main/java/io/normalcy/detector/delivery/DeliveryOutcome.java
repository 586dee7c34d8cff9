package io.normalcy.detector.delivery;

/**
 * Result of delivering one alert to one subscriber's webhook.
 *
 * @param subscriberId who
 * @param url          where
 * @param status       {@link Status}
 * @param attempts     HTTP attempts made
 * @param lastStatus   HTTP status of the last attempt, or -1 when it failed without a response
 * @param lastError    exception of the last attempt ("ClassName: message"), or null
 */
public record DeliveryOutcome(String subscriberId, String url, Status status, int attempts, int lastStatus,
                              String lastError) {

    public enum Status {
        /** a 2xx response */
        DELIVERED,
        /** every attempt failed, or a non-retryable response: dead-letter it */
        FAILED,
        /** shut down mid-delivery: neither delivered nor dead-lettered; redelivered after restart */
        ABORTED
    }

    /** "HTTP 500" or the last exception: for the dead letter's message. */
    public String lastResult() {
        if (lastStatus >= 0) {
            return "HTTP " + lastStatus + (lastError == null ? "" : " (" + lastError + ")");
        }
        return lastError == null ? "no response" : lastError;
    }
}
