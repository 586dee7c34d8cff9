package io.normalcy.detector.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * {@link WebhookTransport} on Apache HttpClient 5 (classic, blocking: each subscriber's lane has its own thread).
 * Chosen over the JDK client for its {@link DnsResolver} hook: the {@link WebhookGuard} vets the very addresses
 * a connection is opened to, right before connecting, so a DNS answer that changed since the subscription was
 * created (rebinding) cannot reach an internal address. No redirects (a 30x is the final status: following it
 * could lead to an internal address and would forward the subscriber's headers, e.g. Authorization, to another
 * host), no automatic retries (the {@link WebhookDeliverer} retries), no cookies, no system proxy.
 *
 * <p>Timeouts: connect and socket timeouts plus a hard deadline per request that aborts it (a receiver that
 * trickles its response byte by byte must not hold the lane forever). Only the status matters: up to 64 KiB of
 * the response body are read so the connection can be reused; a longer body aborts the connection instead.
 */
public final class HttpWebhookTransport implements WebhookTransport, AutoCloseable {
    static final String USER_AGENT = "normalcy-detector";
    private static final int MAX_BODY = 64 * 1024;
    private static final ContentType JSON = ContentType.create("application/json");

    private final CloseableHttpClient client;
    private final ScheduledExecutorService deadlines;

    public HttpWebhookTransport(Duration connectTimeout, WebhookGuard guard) {
        DnsResolver resolver = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return guard.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host; // used for Kerberos/SPNEGO only, which webhooks never do
            }
        };
        Timeout connect = Timeout.of(connectTimeout);
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(resolver)
                        // one connection per subscriber lane at a time: the pool must never be what they wait for
                        .setMaxConnTotal(10_000).setMaxConnPerRoute(10_000)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect)
                                .setSocketTimeout(connect).build())
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent(USER_AGENT)
                .build();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public int post(URI url, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException, InterruptedException {
        String shape = WebhookGuard.shapeProblem(url);
        if (shape != null) {
            throw new WebhookGuard.BlockedException(shape);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("webhook delivery shutting down");
        }
        HttpPost post = new HttpPost(url);
        Timeout t = Timeout.of(timeout);
        post.setConfig(RequestConfig.custom().setResponseTimeout(t).setConnectionRequestTimeout(t).build());
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, JSON));
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (ClassicHttpResponse response = client.executeOpen(null, post, null)) {
            int status = response.getCode();
            HttpEntity entity = response.getEntity();
            if (entity != null) {
                try (InputStream in = entity.getContent()) {
                    if (in != null && in.readNBytes(MAX_BODY).length == MAX_BODY && in.read() >= 0) {
                        post.cancel(); // do not read an unbounded body: drop the connection
                    }
                }
            }
            return status;
        } catch (IOException | RuntimeException e) {
            if (post.isCancelled()) { // the deadline fired: whatever broke (even mid-connect) is a timeout
                throw new SocketTimeoutException("no response from " + url.getHost() + " within " + timeout);
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    /** Aborts requests in flight (their lanes see an I/O error) and releases every connection. */
    @Override
    public void close() {
        deadlines.shutdownNow();
        client.close(CloseMode.IMMEDIATE);
    }
}
