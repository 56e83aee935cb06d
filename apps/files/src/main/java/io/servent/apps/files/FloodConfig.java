package io.servent.apps.files;

import java.time.Duration;

/**
 * Super-peer flooding settings.
 *
 * @param policy elect by the criteria below, or force a role (tests, operators who know better)
 * @param minUptime a super-peer must have been up this long (stable peers keep leaves connected)
 * @param minBandwidthBps and have at least this much bandwidth (bytes/s; it carries others' queries)
 * @param requireReachable and accept inbound connections (leaves and neighbours must dial it)
 * @param maxLeaves leaves a super-peer accepts
 * @param maxNeighbours super-peers a super-peer links to
 * @param leafSuperPeers super-peers a leaf keeps (LimeWire kept 3)
 * @param qrpTableBits a leaf's table has 2^bits slots
 * @param maxTtl the widest a query goes: super-peer hops
 * @param targetResults dynamic querying stops widening once this many hits came back
 * @param hopTimeout how long each super-peer hop may take
 */
public record FloodConfig(
        Policy policy,
        Duration minUptime,
        long minBandwidthBps,
        boolean requireReachable,
        int maxLeaves,
        int maxNeighbours,
        int leafSuperPeers,
        int qrpTableBits,
        int maxTtl,
        int targetResults,
        Duration hopTimeout) {

    /** How the role is chosen. */
    public enum Policy {
        ELECT,
        FORCE_SUPER_PEER,
        FORCE_LEAF
    }

    public FloodConfig {
        if (maxLeaves < 0 || maxNeighbours < 0 || leafSuperPeers < 1) {
            throw new IllegalArgumentException("negative peer counts, or a leaf without super-peers");
        }
        if (qrpTableBits < QrpTable.MIN_BITS || qrpTableBits > QrpTable.MAX_BITS) {
            throw new IllegalArgumentException(
                    "qrpTableBits must be " + QrpTable.MIN_BITS + " to " + QrpTable.MAX_BITS);
        }
        if (maxTtl < 1 || maxTtl > SearchWire.MAX_TTL) {
            throw new IllegalArgumentException("maxTtl must be 1 to " + SearchWire.MAX_TTL);
        }
        if (targetResults < 1) {
            throw new IllegalArgumentException("targetResults must be positive");
        }
    }

    public static FloodConfig defaults() {
        return new FloodConfig(
                Policy.ELECT,
                Duration.ofMinutes(60),
                100_000,
                true,
                30,
                8,
                3,
                QrpTable.DEFAULT_BITS,
                3,
                150,
                Duration.ofSeconds(2));
    }

    public FloodConfig withPolicy(Policy value) {
        return new FloodConfig(
                value,
                minUptime,
                minBandwidthBps,
                requireReachable,
                maxLeaves,
                maxNeighbours,
                leafSuperPeers,
                qrpTableBits,
                maxTtl,
                targetResults,
                hopTimeout);
    }

    public FloodConfig withMinUptime(Duration value) {
        return new FloodConfig(
                policy,
                value,
                minBandwidthBps,
                requireReachable,
                maxLeaves,
                maxNeighbours,
                leafSuperPeers,
                qrpTableBits,
                maxTtl,
                targetResults,
                hopTimeout);
    }

    public FloodConfig withMaxLeaves(int value) {
        return new FloodConfig(
                policy,
                minUptime,
                minBandwidthBps,
                requireReachable,
                value,
                maxNeighbours,
                leafSuperPeers,
                qrpTableBits,
                maxTtl,
                targetResults,
                hopTimeout);
    }

    public FloodConfig withLeafSuperPeers(int value) {
        return new FloodConfig(
                policy,
                minUptime,
                minBandwidthBps,
                requireReachable,
                maxLeaves,
                maxNeighbours,
                value,
                qrpTableBits,
                maxTtl,
                targetResults,
                hopTimeout);
    }

    public FloodConfig withMaxTtl(int value) {
        return new FloodConfig(
                policy,
                minUptime,
                minBandwidthBps,
                requireReachable,
                maxLeaves,
                maxNeighbours,
                leafSuperPeers,
                qrpTableBits,
                value,
                targetResults,
                hopTimeout);
    }

    public FloodConfig withTargetResults(int value) {
        return new FloodConfig(
                policy,
                minUptime,
                minBandwidthBps,
                requireReachable,
                maxLeaves,
                maxNeighbours,
                leafSuperPeers,
                qrpTableBits,
                maxTtl,
                value,
                hopTimeout);
    }

    public FloodConfig withHopTimeout(Duration value) {
        return new FloodConfig(
                policy,
                minUptime,
                minBandwidthBps,
                requireReachable,
                maxLeaves,
                maxNeighbours,
                leafSuperPeers,
                qrpTableBits,
                maxTtl,
                targetResults,
                value);
    }
}
