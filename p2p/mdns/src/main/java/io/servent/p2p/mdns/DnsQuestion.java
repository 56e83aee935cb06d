package io.servent.p2p.mdns;

/**
 * One entry of a message's question section. Immutable and thread-safe.
 *
 * @param name what is asked about
 * @param type the record type asked for ({@link DnsRecord#TYPE_PTR}, {@link #TYPE_ANY}, …)
 * @param unicastResponse mDNS's QU bit, the top bit of the class (RFC 6762 §5.4): the querier
 *     prefers a unicast answer
 */
public record DnsQuestion(DnsName name, int type, boolean unicastResponse) {
    public static final int TYPE_ANY = 255;

    public DnsQuestion {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("a DNS type is 16 bits, not " + type);
        }
    }

    /** Whether this asks for {@code type} records of {@code asked} (or for any type). */
    public boolean asks(DnsName asked, int wanted) {
        return (type == wanted || type == TYPE_ANY) && name.equalsIgnoreCase(asked);
    }
}
