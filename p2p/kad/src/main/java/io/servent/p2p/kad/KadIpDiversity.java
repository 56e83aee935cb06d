package io.servent.p2p.kad;

/**
 * How many routing-table peers may share an IP group (an IPv4 /24 or an IPv6 /48), so that one
 * operator with many addresses in one network cannot fill a bucket or the table (an eclipse
 * defence). A peer with several addresses must fit the limits in every group it belongs to; peers
 * without IP addresses (memory or DNS-only addresses) belong to no group.
 *
 * @param maxPerBucket peers of one group in one bucket
 * @param maxPerTable peers of one group in the whole table
 * @param exemptNonPublic whether loopback, private (RFC 1918, ULA), link-local and other non-public
 *     addresses are left out of grouping. On by default so a LAN of servents keeps working; a test
 *     of the limits on 127.0.0.x must turn it off, because it is not silently applied to loopback.
 */
public record KadIpDiversity(int maxPerBucket, int maxPerTable, boolean exemptNonPublic) {
    public KadIpDiversity {
        if (maxPerBucket < 1 || maxPerTable < maxPerBucket) {
            throw new IllegalArgumentException(
                    "need 1 <= maxPerBucket <= maxPerTable, got " + maxPerBucket + " and " + maxPerTable);
        }
    }

    /** Two per bucket and five per table for public addresses. */
    public static KadIpDiversity defaults() {
        return new KadIpDiversity(2, 5, true);
    }

    /** No limits at all (for tests and closed networks). */
    public static KadIpDiversity unlimited() {
        return new KadIpDiversity(Integer.MAX_VALUE, Integer.MAX_VALUE, true);
    }

    public KadIpDiversity withMaxPerBucket(int value) {
        return new KadIpDiversity(value, maxPerTable, exemptNonPublic);
    }

    public KadIpDiversity withMaxPerTable(int value) {
        return new KadIpDiversity(maxPerBucket, value, exemptNonPublic);
    }

    public KadIpDiversity withExemptNonPublic(boolean value) {
        return new KadIpDiversity(maxPerBucket, maxPerTable, value);
    }
}
