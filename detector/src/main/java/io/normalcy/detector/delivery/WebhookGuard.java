package io.normalcy.detector.delivery;

import io.micronaut.context.annotation.Context;

import jakarta.inject.Inject;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Server-side request forgery guard of webhooks. A subscription makes the detector POST to a URL of the
 * subscriber's choosing from inside the network; without a guard, {@code http://127.0.0.1:8080/...} or the cloud
 * metadata address turns alerts into requests to internal services (e.g. anonymous retrains on the trainer).
 *
 * <p>Rules: only {@code http}/{@code https}; no credentials in the URL; IPv4 literals only as four decimal octets
 * (decimal {@code 2130706433}, octal {@code 0177.0.0.1}, hex {@code 0x7f.1} and short {@code 127.1} forms are
 * read differently by different resolvers and are refused outright); and every address the host resolves to must
 * be public: loopback, unspecified, link-local (incl. 169.254.169.254), private (RFC 1918, fc00::/7), CGNAT,
 * multicast, reserved ranges and IPv6 forms embedding such an IPv4 address (IPv4-mapped/-compatible, NAT64, 6to4)
 * are refused unless the operator allows the host or the address block ({@link WebhookConfiguration}).
 *
 * <p>Checked twice: at creation ({@link #problem}: early, clear 400; a name that does not resolve yet is accepted)
 * and at every connection ({@link #resolve}, the transport's DNS resolver), because DNS answers can change after
 * creation (DNS rebinding). The transport connects only to the addresses {@link #resolve} returned and never
 * follows redirects, so neither a later DNS answer nor a 30x can lead elsewhere.
 */
@Context
public final class WebhookGuard {
    /** The address/URL the guard refuses; a non-retryable delivery failure. */
    public static final class BlockedException extends UnknownHostException {
        public BlockedException(String message) {
            super(message);
        }
    }

    /** Name → addresses; a seam so tests can play DNS answers that change. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final Pattern NUMERIC_PART = Pattern.compile("0[xX][0-9a-fA-F]*|[0-9]+");
    private static final Pattern CANONICAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final Map<Cidr, String> BLOCKED = blocked();

    private final Set<String> allowedHosts;
    private final List<Cidr> allowedCidrs;
    private final Resolver resolver;

    @Inject
    WebhookGuard(WebhookConfiguration config) {
        this(config.allowedHosts(), config.cidrs(), InetAddress::getAllByName);
    }

    public WebhookGuard(Collection<String> allowedHosts, Collection<Cidr> allowedCidrs, Resolver resolver) {
        this.allowedHosts = allowedHosts.stream().map(h -> bare(h.toLowerCase(Locale.ROOT)))
                .collect(Collectors.toUnmodifiableSet());
        this.allowedCidrs = List.copyOf(allowedCidrs);
        this.resolver = resolver;
    }

    /** No exceptions, system DNS. */
    public static WebhookGuard strict() {
        return new WebhookGuard(Set.of(), List.of(), InetAddress::getAllByName);
    }

    /** No exceptions and no DNS look-ups: URL shape and address literals only (for placeholder URLs). */
    public static WebhookGuard offline() {
        return new WebhookGuard(Set.of(), List.of(), host -> {
            throw new UnknownHostException(host);
        });
    }

    /**
     * Creation-time check: why {@code url} may not be a webhook ("must use http or https, ...", "targets 127.0.0.1,
     * a loopback address, ..."), or null. A host that does not resolve (yet) is accepted: delivery checks again.
     */
    public String problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getMessage();
        }
        String shape = shapeProblem(uri);
        if (shape != null) {
            return shape;
        }
        try {
            resolve(uri.getHost());
            return null;
        } catch (BlockedException e) {
            return e.getMessage();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Scheme, host and literal-form rules, without DNS; null when fine. */
    public static String shapeProblem(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must use http or https, got '" + uri + "'";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry credentials (user:password@host); send them as a header in"
                    + " delivery.webhookHeaders, e.g. Authorization";
        }
        String host = uri.getHost();
        if (host == null) {
            // java.net.URI leaves the host empty for forms such as 2130706433 or 127.1: say why
            String auth = uri.getRawAuthority();
            String candidate = auth == null ? "" : auth.replaceFirst("^.*@", "").replaceFirst(":[0-9]*$", "");
            String odd = oddNumericHost(candidate);
            return odd != null ? odd : "has no valid host: '" + uri + "'";
        }
        return oddNumericHost(bare(host));
    }

    /**
     * The addresses of {@code host} a webhook may connect to: all of them, or {@link BlockedException} when any is
     * internal and not allowed (a name that mixes public and internal addresses is refused as a whole).
     *
     * @throws UnknownHostException the name does not resolve
     */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String h = bare(host == null ? "" : host.toLowerCase(Locale.ROOT));
        String odd = oddNumericHost(h);
        if (odd != null) {
            throw new BlockedException(odd);
        }
        InetAddress[] all = resolver.resolve(h);
        if (allowedHosts.contains(h)) {
            return all;
        }
        for (InetAddress a : all) {
            String why = blockedReason(a);
            if (why != null && allowedCidrs.stream().noneMatch(c -> c.contains(a))) {
                String shown = a.getHostAddress().equals(h) ? h + "," : "'" + h + "', which resolves to "
                        + a.getHostAddress() + ",";
                throw new BlockedException("targets " + shown + " a " + why + " address; webhooks may not reach"
                        + " internal addresses unless allowed by " + WebhookConfiguration.P + "allowed-cidrs or "
                        + WebhookConfiguration.P + "allowed-hosts");
            }
        }
        return all;
    }

    /** What kind of internal address {@code a} is ("loopback", "private", ...), or null for a public address. */
    public static String blockedReason(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            byte[] v4 = embeddedIpv4(b);
            if (v4 != null) {
                String inner = blockedReason(v4);
                return inner == null ? null : inner + " (IPv4 embedded in IPv6)";
            }
        }
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        for (Map.Entry<Cidr, String> e : BLOCKED.entrySet()) {
            if (e.getKey().contains(b)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String blockedReason(byte[] v4) {
        try {
            return blockedReason(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 address, or null. */
    private static byte[] embeddedIpv4(byte[] b) {
        boolean zero10 = true;
        for (int i = 0; i < 10; i++) {
            zero10 &= b[i] == 0;
        }
        boolean mapped = zero10 && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        boolean compatible = zero10 && b[10] == 0 && b[11] == 0 && (b[12] | b[13]) != 0; // not ::, ::1
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (mapped || compatible || nat64) {
            return new byte[] {b[12], b[13], b[14], b[15]};
        }
        if (b[0] == 0x20 && b[1] == 0x02) { // 6to4: 2002:AABB:CCDD::/48
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        return null;
    }

    /**
     * Why {@code host} is a numeric IPv4 form other than four decimal octets (which resolvers disagree on: Java
     * reads {@code 0177.0.0.1} as 177.0.0.1, inet_aton as 127.0.0.1), or null when it is a name or canonical.
     */
    public static String oddNumericHost(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] parts = h.split("\\.", -1);
        if (h.isEmpty() || parts.length > 4) {
            return null;
        }
        boolean canonical = parts.length == 4 && h.equals(host);
        for (String p : parts) {
            if (!NUMERIC_PART.matcher(p).matches()) {
                return null; // a name (or an IPv6 literal)
            }
            canonical &= CANONICAL_OCTET.matcher(p).matches() && Integer.parseInt(p) <= 255;
        }
        if (canonical) {
            return null;
        }
        String decoded = inetAton(parts);
        return "host '" + host + "' is an ambiguous numeric IPv4 form"
                + (decoded == null ? "" : " (read by common resolvers as " + decoded + ")")
                + "; write IPv4 addresses as four decimal octets (a.b.c.d)";
    }

    /** The address inet_aton(3) reads from these parts (each decimal, 0x-hex or 0-octal), or null. */
    private static String inetAton(String[] parts) {
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            try {
                if (p.startsWith("0x") || p.startsWith("0X")) {
                    v[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
                } else if (p.length() > 1 && p.startsWith("0")) {
                    v[i] = Long.parseLong(p.substring(1), 8);
                } else {
                    v[i] = Long.parseLong(p);
                }
            } catch (NumberFormatException e) {
                return null; // e.g. 09, or too long
            }
        }
        long addr = 0;
        for (int i = 0; i < v.length - 1; i++) {
            if (v[i] > 255) {
                return null;
            }
            addr |= v[i] << (8 * (3 - i));
        }
        long last = v[v.length - 1];
        if (last >= 1L << (8 * (5 - v.length))) {
            return null;
        }
        addr |= last;
        return ((addr >> 24) & 0xFF) + "." + ((addr >> 16) & 0xFF) + "." + ((addr >> 8) & 0xFF) + "." + (addr & 0xFF);
    }

    /** {@code host} without IPv6 brackets and a trailing root dot. */
    static String bare(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        // a numeric form with a trailing dot stays as it is, so that oddNumericHost still refuses it
        return h.length() > 1 && h.endsWith(".") && oddNumericHost(h) == null ? h.substring(0, h.length() - 1) : h;
    }

    private static Map<Cidr, String> blocked() {
        Map<Cidr, String> m = new LinkedHashMap<>();
        m.put(Cidr.parse("0.0.0.0/8"), "\"this network\" (0.0.0.0/8)");
        m.put(Cidr.parse("10.0.0.0/8"), "private");
        m.put(Cidr.parse("100.64.0.0/10"), "carrier-grade NAT (100.64.0.0/10)");
        m.put(Cidr.parse("127.0.0.0/8"), "loopback");
        m.put(Cidr.parse("169.254.0.0/16"), "link-local");
        m.put(Cidr.parse("172.16.0.0/12"), "private");
        m.put(Cidr.parse("192.0.0.0/24"), "IETF protocol assignment (192.0.0.0/24)");
        m.put(Cidr.parse("192.168.0.0/16"), "private");
        m.put(Cidr.parse("198.18.0.0/15"), "benchmarking (198.18.0.0/15)");
        m.put(Cidr.parse("224.0.0.0/4"), "multicast");
        m.put(Cidr.parse("240.0.0.0/4"), "reserved (240.0.0.0/4, incl. broadcast)");
        m.put(Cidr.parse("::/128"), "unspecified");
        m.put(Cidr.parse("::1/128"), "loopback");
        m.put(Cidr.parse("100::/64"), "discard-only (100::/64)");
        m.put(Cidr.parse("fc00::/7"), "private (unique local, fc00::/7)");
        m.put(Cidr.parse("fe80::/10"), "link-local");
        m.put(Cidr.parse("fec0::/10"), "site-local");
        m.put(Cidr.parse("ff00::/8"), "multicast");
        return Collections.unmodifiableMap(m);
    }
}
