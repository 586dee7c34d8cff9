package io.normalcy.detector.delivery;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One HTTP POST of a JSON body. An interface so the retry logic ({@link WebhookDeliverer}) is tested without a
 * network; production uses {@link HttpWebhookTransport}.
 */
public interface WebhookTransport {
    /**
     * @return the HTTP status code
     * @throws IOException          connection, TLS or timeout failure (retryable)
     * @throws InterruptedException the delivery is being shut down
     */
    int post(URI url, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException, InterruptedException;
}
