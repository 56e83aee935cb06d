package io.servent.p2p.mdns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A resource record of class IN, of one of the types mDNS peer discovery uses. Records of other
 * types and classes are skipped when decoding. Every record carries mDNS's cache-flush bit, the top
 * bit of the class (RFC 6762 §10.2). Immutable and thread-safe.
 */
public sealed interface DnsRecord {
    int TYPE_A = 1;
    int TYPE_PTR = 12;
    int TYPE_TXT = 16;
    int TYPE_AAAA = 28;
    int TYPE_SRV = 33;

    /** The largest TTL: 32 bits unsigned. */
    long MAX_TTL = 0xFFFF_FFFFL;

    DnsName name();

    /** Seconds the record may be cached; 0 announces that it is gone (RFC 6762 §10.1). */
    long ttl();

    boolean cacheFlush();

    int type();

    private static void checkTtl(long ttl) {
        if (ttl < 0 || ttl > MAX_TTL) {
            throw new IllegalArgumentException("a DNS TTL is 32 bits unsigned, not " + ttl);
        }
    }

    /** Points a (shared) service name at one instance: {@code _p2p._udp.local PTR name._p2p._udp.local}. */
    record Ptr(DnsName name, long ttl, boolean cacheFlush, DnsName target) implements DnsRecord {
        public Ptr {
            checkTtl(ttl);
        }

        @Override
        public int type() {
            return TYPE_PTR;
        }
    }

    /**
     * Character strings of at most 255 bytes each (RFC 1035 §3.3.14), here as UTF-8 text; libp2p puts
     * {@code dnsaddr=<multiaddr>} in them.
     */
    record Txt(DnsName name, long ttl, boolean cacheFlush, List<String> strings) implements DnsRecord {
        public static final int MAX_STRING_LENGTH = 255;

        public Txt {
            checkTtl(ttl);
            strings = List.copyOf(strings);
            if (strings.isEmpty()) {
                throw new IllegalArgumentException("a TXT record has at least one string");
            }
            for (String s : strings) {
                int n = s.getBytes(StandardCharsets.UTF_8).length;
                if (n > MAX_STRING_LENGTH) {
                    throw new IllegalArgumentException(
                            "a TXT string has at most " + MAX_STRING_LENGTH + " bytes, not " + n);
                }
            }
        }

        @Override
        public int type() {
            return TYPE_TXT;
        }
    }

    record A(DnsName name, long ttl, boolean cacheFlush, Inet4Address address) implements DnsRecord {
        public A {
            checkTtl(ttl);
        }

        @Override
        public int type() {
            return TYPE_A;
        }
    }

    record Aaaa(DnsName name, long ttl, boolean cacheFlush, Inet6Address address) implements DnsRecord {
        public Aaaa {
            checkTtl(ttl);
        }

        @Override
        public int type() {
            return TYPE_AAAA;
        }
    }

    /** Where an instance runs (RFC 2782); DNS-SD browsers and go-libp2p's zeroconf expect one. */
    record Srv(DnsName name, long ttl, boolean cacheFlush, int priority, int weight, int port, DnsName target)
            implements DnsRecord {
        public Srv {
            checkTtl(ttl);
            if ((priority | weight | port) < 0 || priority > 0xFFFF || weight > 0xFFFF || port > 0xFFFF) {
                throw new IllegalArgumentException("SRV priority, weight and port are 16 bits");
            }
        }

        @Override
        public int type() {
            return TYPE_SRV;
        }
    }
}
