package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.normalcy.detector.runtime.StreamsLifecycle;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The SSRF rules of {@link WebhookGuard} address by address, its allow-list and its configuration. */
class WebhookGuardTest {

    private static InetAddress ip(String literal) throws java.net.UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void classifiesInternalAddresses() throws Exception {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("127.0.0.1", "loopback"), Map.entry("127.255.0.9", "loopback"),
                Map.entry("0.0.0.0", "unspecified"), Map.entry("0.1.2.3", "this network"),
                Map.entry("169.254.169.254", "link-local"), Map.entry("10.9.8.7", "private"),
                Map.entry("172.31.0.1", "private"), Map.entry("192.168.10.1", "private"),
                Map.entry("100.64.0.1", "carrier-grade NAT"), Map.entry("100.127.255.254", "carrier-grade NAT"),
                Map.entry("224.0.0.251", "multicast"), Map.entry("255.255.255.255", "reserved"),
                Map.entry("198.18.0.1", "benchmarking"), Map.entry("::1", "loopback"), Map.entry("::", "unspecified"),
                Map.entry("fe80::1", "link-local"), Map.entry("fd12:3456::1", "unique local"),
                Map.entry("fc00::1", "unique local"), Map.entry("ff02::1", "multicast"),
                Map.entry("::ffff:10.0.0.1", "private"), Map.entry("::127.0.0.1", "loopback (IPv4 embedded"),
                Map.entry("64:ff9b::169.254.169.254", "link-local (IPv4 embedded"),
                Map.entry("2002:c0a8:0101::1", "private (IPv4 embedded"));
        cases.forEach((addr, kind) -> {
            try {
                String why = WebhookGuard.blockedReason(ip(addr));
                assertTrue(why != null && why.contains(kind), addr + " → " + why);
            } catch (Exception e) {
                throw new AssertionError(addr, e);
            }
        });
        for (String pub : List.of("93.184.216.34", "8.8.8.8", "100.128.0.1", "172.32.0.1", "2606:4700::1111",
                "2002:5db8:d822::1", "64:ff9b::808:808")) {
            assertNull(WebhookGuard.blockedReason(ip(pub)), pub);
        }
    }

    @Test
    void oddNumericFormsAreRecognisedAndDecoded() {
        Map<String, String> forms = Map.of("2130706433", "127.0.0.1", "0177.0.0.1", "127.0.0.1",
                "0x7f.1", "127.0.0.1", "127.1", "127.0.0.1", "0x7f000001", "127.0.0.1", "10.1", "10.0.0.1",
                "0251.0376.0251.0376", "169.254.169.254", "1.2.3.4.", "1.2.3.4");
        forms.forEach((host, decoded) -> {
            String why = WebhookGuard.oddNumericHost(host);
            assertTrue(why != null && why.contains(decoded), host + " → " + why);
        });
        for (String fine : List.of("127.0.0.1", "10.0.0.1", "hooks.example", "0x7f.example", "1.2.3.4.5", "::1",
                "a1.b2")) {
            assertNull(WebhookGuard.oddNumericHost(fine), fine);
        }
    }

    @Test
    void resolveChecksEveryAddressAndHonoursTheAllowList() throws Exception {
        WebhookGuard.Resolver dns = host -> switch (host) {
            case "internal.test" -> new InetAddress[] {ip("10.0.0.7")};
            case "mixed.test" -> new InetAddress[] {ip("93.184.216.34"), ip("127.0.0.1")};
            case "public.test" -> new InetAddress[] {ip("93.184.216.34")};
            default -> InetAddress.getAllByName(host);
        };
        WebhookGuard strict = new WebhookGuard(Set.of(), List.of(), dns);
        assertArrayEquals(new InetAddress[] {ip("93.184.216.34")}, strict.resolve("public.test"));
        for (String host : List.of("internal.test", "mixed.test", "127.0.0.1", "[::1]", "localhost", "2130706433")) {
            WebhookGuard.BlockedException e = assertThrows(WebhookGuard.BlockedException.class,
                    () -> strict.resolve(host), host);
            assertTrue(e.getMessage().contains("allowed-cidrs") || e.getMessage().contains("ambiguous"),
                    e.getMessage());
        }
        WebhookGuard allowing = new WebhookGuard(Set.of("Internal.Test"), List.of(Cidr.parse("127.0.0.0/8")), dns);
        assertEquals(1, allowing.resolve("internal.test").length);
        assertEquals(2, allowing.resolve("mixed.test").length);
        assertThrows(WebhookGuard.BlockedException.class, () -> allowing.resolve("10.0.0.8"));
        assertThrows(WebhookGuard.BlockedException.class, () -> allowing.resolve("0x7f.1"));
    }

    /** DNS rebinding: the name was public when the subscription was created and points inside when delivering. */
    @Test
    void everyResolutionIsCheckedAgain() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        WebhookGuard guard = new WebhookGuard(Set.of(), List.of(), host -> new InetAddress[] {
                lookups.incrementAndGet() == 1 ? ip("93.184.216.34") : ip("169.254.169.254")});
        assertNull(guard.problem("https://rebind.test/hook"), "created while the name was public");
        assertThrows(WebhookGuard.BlockedException.class, () -> guard.resolve("rebind.test"));
        assertEquals(2, lookups.get());
    }

    @Test
    void shapeRules() {
        assertNull(WebhookGuard.shapeProblem(URI.create("https://hooks.example:8443/x?y=1")));
        assertTrue(WebhookGuard.shapeProblem(URI.create("file:///etc/passwd")).contains("http or https"));
        assertTrue(WebhookGuard.shapeProblem(URI.create("http://u:p@hooks.example/")).contains("credentials"));
        assertTrue(WebhookGuard.shapeProblem(URI.create("http://2130706433/")).contains("127.0.0.1"));
        assertTrue(WebhookGuard.shapeProblem(URI.create("http://127.1:8080/")).contains("ambiguous"));
    }

    @Test
    void cidrParsingAndMatching() throws Exception {
        Cidr c = Cidr.parse("10.20.0.0/16");
        assertTrue(c.contains(ip("10.20.255.1")));
        assertFalse(c.contains(ip("10.21.0.1")));
        assertFalse(c.contains(ip("::1")));
        assertTrue(Cidr.parse("fd00::/8").contains(ip("fd12::1")));
        assertTrue(Cidr.parse("127.0.0.1").contains(ip("127.0.0.1")));
        assertFalse(Cidr.parse("127.0.0.1").contains(ip("127.0.0.2")));
        assertTrue(Cidr.parse("100.64.0.0/10").contains(ip("100.127.0.1")));
        for (String bad : List.of("10.0.0.0/33", "example.com/8", "10.0.0.0/x", "", "2130706433/32", "fd00::/129")) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    @Test
    void allowListBindsFromACommaSeparatedValue() throws Exception {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(StreamsLifecycle.AUTOSTART, "false",
                "micronaut.server.port", "-1", "kafka.bootstrap.servers", "127.0.0.1:1",
                "normalcy.detector.ensure-topics", "false", "normalcy.detector.delivery.enabled", "false",
                "normalcy.detector.webhooks.allowed-cidrs", "10.20.0.0/16, 127.0.0.1/32",
                "normalcy.detector.webhooks.allowed-hosts", "Receiver.Internal"))) {
            WebhookConfiguration c = ctx.getBean(WebhookConfiguration.class);
            assertEquals(List.of(Cidr.parse("10.20.0.0/16"), Cidr.parse("127.0.0.1/32")), c.cidrs());
            assertEquals(List.of("receiver.internal"), c.allowedHosts());
            WebhookGuard guard = ctx.getBean(WebhookGuard.class);
            assertNull(guard.problem("http://10.20.3.4:8080/hook"));
            assertTrue(guard.problem("http://10.21.3.4:8080/hook").contains("private"));
        }
    }

    @Test
    void badAllowListStopsStartUpNamingTheKey() {
        for (Map.Entry<String, String> bad : Map.of(
                "normalcy.detector.webhooks.allowed-cidrs", "10.0.0.0/40",
                "normalcy.detector.webhooks.allowed-hosts", "http://hooks.example/").entrySet()) {
            Exception e = assertThrows(Exception.class, () -> {
                try (ApplicationContext ctx = ApplicationContext.run(Map.of(StreamsLifecycle.AUTOSTART, "false",
                        "micronaut.server.port", "-1", "kafka.bootstrap.servers", "127.0.0.1:1",
                        "normalcy.detector.ensure-topics", "false", "normalcy.detector.delivery.enabled", "false",
                        bad.getKey(), bad.getValue()))) {
                    ctx.getBean(WebhookGuard.class);
                }
            });
            StringBuilder all = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                all.append(t.getMessage()).append(" | ");
            }
            assertTrue(all.toString().contains(bad.getKey()), all.toString());
        }
    }
}
