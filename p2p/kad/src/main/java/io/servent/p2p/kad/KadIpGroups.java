package io.servent.p2p.kad;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The IP groups of a peer's addresses for {@link KadIpDiversity}: an IPv4 /24 or an IPv6 /48, each
 * packed into a long with a tag so the two families never collide. Stateless and thread-safe.
 */
final class KadIpGroups {
    static final long[] NONE = new long[0];
    private static final long IPV4_TAG = 1L << 56;
    private static final long IPV6_TAG = 2L << 56;
    private static final int MAX_GROUPS = 8;

    private KadIpGroups() {}

    /** The distinct groups of {@code addresses}; at most a few, since each costs table memory. */
    static long[] of(List<Multiaddr> addresses, boolean exemptNonPublic) {
        long[] groups = new long[Math.min(addresses.size(), MAX_GROUPS)];
        int n = 0;
        for (Multiaddr address : addresses) {
            if (n == groups.length) {
                break;
            }
            Multiaddr.Component first = address.components().get(0);
            MultiaddrProtocol protocol = first.protocol();
            if (protocol != MultiaddrProtocol.IP4 && protocol != MultiaddrProtocol.IP6) {
                continue;
            }
            byte[] ip = first.value();
            if (exemptNonPublic && !isPublic(ip)) {
                continue;
            }
            long group = group(ip);
            if (!contains(groups, n, group)) {
                groups[n++] = group;
            }
        }
        return n == 0 ? NONE : Arrays.copyOf(groups, n);
    }

    static long group(byte[] ip) {
        if (ip.length == 4) {
            return IPV4_TAG | ((ip[0] & 0xFFL) << 16) | ((ip[1] & 0xFFL) << 8) | (ip[2] & 0xFFL);
        }
        long prefix = 0;
        for (int i = 0; i < 6; i++) {
            prefix = (prefix << 8) | (ip[i] & 0xFFL);
        }
        return IPV6_TAG | prefix;
    }

    /** A group in the notation an operator reads in a log: {@code 203.0.113.0/24}. */
    static String describe(long group) {
        if ((group & IPV4_TAG) != 0) {
            return ((group >>> 16) & 0xFF) + "." + ((group >>> 8) & 0xFF) + "." + (group & 0xFF) + ".0/24";
        }
        return String.format("%04x:%04x:%04x::/48", (group >>> 32) & 0xFFFF, (group >>> 16) & 0xFFFF, group & 0xFFFF);
    }

    private static boolean contains(long[] groups, int n, long group) {
        for (int i = 0; i < n; i++) {
            if (groups[i] == group) {
                return true;
            }
        }
        return false;
    }

    static boolean isPublic(byte[] ip) {
        InetAddress address;
        try {
            address = InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            return false;
        }
        if (address.isLoopbackAddress()
                || address.isSiteLocalAddress()
                || address.isLinkLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        if (ip.length == 4) {
            int a = ip[0] & 0xFF;
            int b = ip[1] & 0xFF;
            boolean sharedNat = a == 100 && b >= 64 && b < 128; // 100.64.0.0/10, carrier-grade NAT
            return !sharedNat && a != 0;
        }
        return (ip[0] & 0xFE) != 0xFC; // fc00::/7, unique local
    }
}
