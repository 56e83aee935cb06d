package io.servent.apps.files;

import java.time.Duration;

/**
 * Decides whether a peer should be a super-peer, as LimeWire's ultrapeer election did: long enough
 * up, enough bandwidth, and reachable from outside — unless the configuration forces a role.
 * Sans-I/O, stateless.
 */
public final class FloodElection {
    private FloodElection() {}

    /** What the node measured about itself. */
    public record Inputs(Duration uptime, long bandwidthBps, boolean reachable) {}

    public static FloodService.Role decide(FloodConfig config, Inputs in) {
        return switch (config.policy()) {
            case FORCE_SUPER_PEER -> FloodService.Role.SUPER_PEER;
            case FORCE_LEAF -> FloodService.Role.LEAF;
            case ELECT ->
                in.uptime().compareTo(config.minUptime()) >= 0
                                && in.bandwidthBps() >= config.minBandwidthBps()
                                && (in.reachable() || !config.requireReachable())
                        ? FloodService.Role.SUPER_PEER
                        : FloodService.Role.LEAF;
        };
    }
}
