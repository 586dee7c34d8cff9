package io.normalcy.detector.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address block ({@code 10.1.0.0/16}, {@code fd00:1::/64}, a bare address = one host). Used by
 * {@link WebhookGuard} for its built-in blocked ranges and for the operator's allow-list.
 *
 * @param network the block's address bytes (4 or 16)
 * @param bits    prefix length
 */
public record Cidr(byte[] network, int bits) {

    /** @throws IllegalArgumentException when {@code s} is not an address literal with an optional /prefix */
    public static Cidr parse(String s) {
        String t = s == null ? "" : s.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        // only literals: InetAddress would otherwise resolve a name through DNS
        if (!addr.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*") || WebhookGuard.oddNumericHost(addr) != null) {
            throw new IllegalArgumentException("'" + s + "' is not an address block (e.g. 10.1.0.0/16, fd00::/8)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + s + "' is not an address block (e.g. 10.1.0.0/16, fd00::/8)");
        }
        int max = bytes.length * 8;
        int bits;
        try {
            bits = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("'" + s + "': prefix length must be 0.." + max);
        }
        return new Cidr(bytes, bits);
    }

    public boolean contains(InetAddress a) {
        return contains(a.getAddress());
    }

    boolean contains(byte[] a) {
        if (a.length != network.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.bits == bits && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + bits;
    }
}
