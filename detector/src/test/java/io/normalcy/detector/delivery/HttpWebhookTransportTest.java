package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real transport against a local HTTP server: the guard is enforced on the connection itself (literal and
 * resolved addresses), redirects are not followed, the deadline aborts a hanging receiver, and a receiver can
 * verify the signature of what it got.
 */
class HttpWebhookTransportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final WebhookGuard.Resolver LOOPBACK_DNS = host -> host.endsWith(".test")
            ? new InetAddress[] {InetAddress.getByName("127.0.0.1")} : InetAddress.getAllByName(host);

    record Hit(String path, Headers headers, byte[] body) {
    }

    private HttpServer http;
    private final List<Hit> hits = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", ex -> {
            hits.add(new Hit("/hook", ex.getRequestHeaders(), ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.createContext("/moved", ex -> {
            hits.add(new Hit("/moved", ex.getRequestHeaders(), ex.getRequestBody().readAllBytes()));
            ex.getResponseHeaders().add("Location", url("/hook"));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        http.createContext("/hang", ex -> {
            ex.getRequestBody().readAllBytes();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        http.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        http.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private String named(String host, String path) {
        return "http://" + host + ":" + http.getAddress().getPort() + path;
    }

    private static HttpWebhookTransport transport(WebhookGuard guard) {
        return new HttpWebhookTransport(TIMEOUT, guard);
    }

    private static final byte[] BODY = "{\"alertId\":\"a\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void loopbackIsRefusedBeforeConnectingUnlessAllowed() throws Exception {
        try (HttpWebhookTransport t = transport(WebhookGuard.strict())) {
            WebhookGuard.BlockedException e = assertThrows(WebhookGuard.BlockedException.class,
                    () -> t.post(URI.create(url("/hook")), Map.of(), BODY, TIMEOUT));
            assertTrue(e.getMessage().contains("loopback"), e.getMessage());
        }
        assertEquals(List.of(), hits, "nothing reached the receiver");
        try (HttpWebhookTransport t = transport(new WebhookGuard(Set.of(), List.of(Cidr.parse("127.0.0.1/32")),
                InetAddress::getAllByName))) {
            assertEquals(204, t.post(URI.create(url("/hook")), Map.of("X-Token", "s"), BODY, TIMEOUT));
        }
        assertEquals(1, hits.size());
        assertEquals("application/json", hits.get(0).headers().getFirst("Content-Type"));
        assertEquals("s", hits.get(0).headers().getFirst("X-Token"));
        assertEquals(new String(BODY, StandardCharsets.UTF_8), new String(hits.get(0).body(), StandardCharsets.UTF_8));
    }

    /** A name is resolved by the guard on the connection itself: what the guard refuses is never connected to. */
    @Test
    void namesAreResolvedAndCheckedByTheGuardOnConnect() throws Exception {
        try (HttpWebhookTransport t = transport(new WebhookGuard(Set.of(), List.of(), LOOPBACK_DNS))) {
            WebhookGuard.BlockedException e = assertThrows(WebhookGuard.BlockedException.class,
                    () -> t.post(URI.create(named("rebound.test", "/hook")), Map.of(), BODY, TIMEOUT));
            assertTrue(e.getMessage().contains("rebound.test") && e.getMessage().contains("127.0.0.1"),
                    e.getMessage());
            assertThrows(WebhookGuard.BlockedException.class,
                    () -> t.post(URI.create(named("2130706433", "/hook")), Map.of(), BODY, TIMEOUT));
        }
        assertEquals(List.of(), hits);
        try (HttpWebhookTransport t = transport(new WebhookGuard(Set.of("receiver.test"), List.of(), LOOPBACK_DNS))) {
            assertEquals(204, t.post(URI.create(named("receiver.test", "/hook")), Map.of(), BODY, TIMEOUT));
        }
        assertEquals(1, hits.size(), "the allowed name connects to the address the guard's resolver returned");
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        try (HttpWebhookTransport t = transport(new WebhookGuard(Set.of(), List.of(Cidr.parse("127.0.0.1")),
                InetAddress::getAllByName))) {
            assertEquals(302, t.post(URI.create(url("/moved")), Map.of("Authorization", "Bearer x"), BODY, TIMEOUT));
        }
        assertEquals(List.of("/moved"), hits.stream().map(Hit::path).toList());
        assertFalse(WebhookDeliverer.retryable(302), "a redirect is final: dead-lettered, not retried");
    }

    @Test
    void theDeadlineAbortsAHangingReceiver() throws Exception {
        try (HttpWebhookTransport t = transport(new WebhookGuard(Set.of(), List.of(Cidr.parse("127.0.0.1")),
                InetAddress::getAllByName))) {
            assertThrows(IOException.class, () -> t.post(URI.create(url("/hang")), Map.of(), BODY,
                    Duration.ofMillis(300)));
        }
    }

    @Test
    void receiverVerifiesTheSignatureOfWhatItGot() throws Exception {
        String secret = WebhookSignature.newSecret();
        try (HttpWebhookTransport t = transport(new WebhookGuard(Set.of(), List.of(Cidr.parse("127.0.0.1")),
                InetAddress::getAllByName))) {
            WebhookDeliverer d = new WebhookDeliverer(t, new BackoffPolicy(1, Duration.ofMillis(1),
                    Duration.ofMillis(1), 1.0), TIMEOUT, w -> { });
            assertEquals(DeliveryOutcome.Status.DELIVERED, d.deliver("s", url("/hook"), Map.of(), BODY, secret)
                    .status());
        }
        Hit hit = hits.get(0);
        String ts = hit.headers().getFirst(WebhookSignature.TIMESTAMP_HEADER);
        String sig = hit.headers().getFirst(WebhookSignature.SIGNATURE_HEADER);
        assertTrue(sig.startsWith("v1="), sig);
        assertTrue(WebhookSignature.verify(secret, ts, sig, hit.body()), "genuine request verifies");
        byte[] tampered = new String(hit.body(), StandardCharsets.UTF_8).replace("\"a\"", "\"b\"")
                .getBytes(StandardCharsets.UTF_8);
        assertFalse(WebhookSignature.verify(secret, ts, sig, tampered), "a tampered body does not");
    }
}
