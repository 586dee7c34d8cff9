package io.normalcy.detector.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * {@link WebhookTransport} on the JDK's {@link HttpClient} (HTTP/1.1, no redirects: a webhook that moved should
 * be re-registered, and following redirects would forward the subscriber's headers — e.g. Authorization — to
 * another host). The response body is discarded; only the status matters.
 */
public final class HttpWebhookTransport implements WebhookTransport {
    static final String USER_AGENT = "normalcy-detector";
    private final HttpClient client;

    public HttpWebhookTransport(Duration connectTimeout) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(connectTimeout).build();
    }

    @Override
    public int post(URI url, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::setHeader);
        return client.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
