package io.normalcy.detector.delivery;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The webhook SSRF guard's allow-list, bound from {@code normalcy.detector.webhooks.*} (e.g.
 * {@code NORMALCY_DETECTOR_WEBHOOKS_ALLOWED_CIDRS=10.20.0.0/16}). By default a webhook may only reach public
 * addresses (see {@link WebhookGuard}); these keys open deliberate exceptions for receivers inside the network.
 * Validated when bound: a malformed entry stops start-up naming the key, because a silently ignored entry would
 * either break a legitimate receiver or — worse — be "fixed" by widening it.
 *
 * @param allowedHosts host names (exact, case-insensitive, as written in the webhook URL) whose addresses are not
 *                     checked, e.g. {@code alerts-receiver.ops.svc.cluster.local}
 * @param allowedCidrs address blocks a webhook may reach although they are internal, e.g. {@code 10.20.0.0/16},
 *                     {@code 127.0.0.1/32} (a bare address = that one host)
 */
@ConfigurationProperties("normalcy.detector.webhooks")
public record WebhookConfiguration(@Nullable List<String> allowedHosts, @Nullable List<String> allowedCidrs) {
    static final String P = "normalcy.detector.webhooks.";

    public WebhookConfiguration {
        allowedHosts = allowedHosts == null ? List.of() : hosts(allowedHosts);
        allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
        cidrs(allowedCidrs);
    }

    /** The parsed {@link #allowedCidrs()}. */
    public List<Cidr> cidrs() {
        return cidrs(allowedCidrs);
    }

    private static List<Cidr> cidrs(List<String> entries) {
        List<Cidr> out = new ArrayList<>();
        for (String e : entries) {
            try {
                out.add(Cidr.parse(e));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(P + "allowed-cidrs: " + ex.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static List<String> hosts(List<String> entries) {
        List<String> out = new ArrayList<>();
        for (String e : entries) {
            String h = e == null ? "" : WebhookGuard.bare(e.trim().toLowerCase(Locale.ROOT));
            if (!h.matches("[a-z0-9._:-]+") || WebhookGuard.oddNumericHost(h) != null) {
                throw new IllegalArgumentException(P + "allowed-hosts: '" + e + "' is not a host name or address"
                        + " (no scheme, port or path; IPv4 as four decimal octets)");
            }
            out.add(h);
        }
        return List.copyOf(out);
    }
}
