package io.servent.p2p.kad;

import java.util.List;

/**
 * A snapshot of a {@link KadDht}: its routing table, stores and the lookups it ran.
 *
 * @param bucketSizes members per bucket, index = common-prefix length with this node
 * @param networkSizeEstimate a rough estimate from the density of the nearest peers ({@link
 *     KadRoutingTable#estimateNetworkSize})
 * @param lookups lookups run since start
 * @param lookupRequests requests those lookups sent
 * @param lookupHops sum over lookups of the request round that reached the closest peer
 * @param maxLookupHops the most rounds one lookup needed
 * @param lookupNanos total wall time of those lookups
 */
public record KadStats(
        KadMode mode,
        int routingTableSize,
        List<Integer> bucketSizes,
        long networkSizeEstimate,
        int storedRecords,
        int providerEntries,
        int providedKeys,
        long lookups,
        long lookupRequests,
        long lookupHops,
        int maxLookupHops,
        long lookupNanos) {
    public KadStats {
        bucketSizes = List.copyOf(bucketSizes);
    }

    public double meanLookupHops() {
        return lookups == 0 ? 0 : (double) lookupHops / lookups;
    }

    public double meanLookupRequests() {
        return lookups == 0 ? 0 : (double) lookupRequests / lookups;
    }

    public double meanLookupMillis() {
        return lookups == 0 ? 0 : lookupNanos / 1e6 / lookups;
    }
}
