package io.servent.apps.files;

/**
 * Counters of the search protocol on one node, for tests, the simulator and the control API.
 *
 * @param received queries that arrived (each stream counts once)
 * @param duplicates queries dropped because their id was seen before
 * @param rateLimited queries refused by the per-peer rate limit
 * @param rejected malformed or oversize queries
 * @param answered queries answered from the local index with at least one hit
 * @param forwardedToLeaves queries a super-peer sent on to a leaf
 * @param suppressedByQrp leaves a query was not sent to because their table could not match
 * @param forwardedToSuperPeers queries a super-peer sent on to a neighbour super-peer
 * @param hitsRelayed hits passed back along the reverse path
 */
public record FloodStats(
        long received,
        long duplicates,
        long rateLimited,
        long rejected,
        long answered,
        long forwardedToLeaves,
        long suppressedByQrp,
        long forwardedToSuperPeers,
        long hitsRelayed) {
    /** Queries this node sent on to others. */
    public long forwarded() {
        return forwardedToLeaves + forwardedToSuperPeers;
    }
}
