package io.servent.p2p.host;

import io.servent.p2p.api.Multiaddr;
import java.time.Duration;
import java.util.List;

/**
 * How a host listens, dials and trims connections.
 *
 * @param listenAddresses addresses to bind on start (port 0 picks a free port)
 * @param dialTimeout bound on opening one raw connection
 * @param upgradeTimeout bound on the whole upgrade: security negotiation, handshake, muxer negotiation
 * @param negotiationTimeout bound on a stream's protocol negotiation
 * @param lowWater when trimming, close connections down to this many
 * @param highWater trim once more than this many connections are open
 * @param gracePeriod new connections are never trimmed before this age
 * @param limits hard resource limits
 */
public record HostConfig(
        List<Multiaddr> listenAddresses,
        Duration dialTimeout,
        Duration upgradeTimeout,
        Duration negotiationTimeout,
        int lowWater,
        int highWater,
        Duration gracePeriod,
        HostLimits limits) {

    public HostConfig {
        listenAddresses = List.copyOf(listenAddresses);
        if (lowWater < 0 || highWater < lowWater) {
            throw new IllegalArgumentException(
                    "watermarks must satisfy 0 <= lowWater <= highWater, got " + lowWater + " and " + highWater);
        }
    }

    public static HostConfig defaults() {
        return new HostConfig(
                List.of(),
                Duration.ofSeconds(10),
                Duration.ofSeconds(15),
                Duration.ofSeconds(10),
                160,
                192,
                Duration.ofSeconds(30),
                HostLimits.defaults());
    }

    public HostConfig withListenAddresses(List<Multiaddr> value) {
        return new HostConfig(
                value, dialTimeout, upgradeTimeout, negotiationTimeout, lowWater, highWater, gracePeriod, limits);
    }

    public HostConfig withDialTimeout(Duration value) {
        return new HostConfig(
                listenAddresses, value, upgradeTimeout, negotiationTimeout, lowWater, highWater, gracePeriod, limits);
    }

    public HostConfig withUpgradeTimeout(Duration value) {
        return new HostConfig(
                listenAddresses, dialTimeout, value, negotiationTimeout, lowWater, highWater, gracePeriod, limits);
    }

    public HostConfig withNegotiationTimeout(Duration value) {
        return new HostConfig(
                listenAddresses, dialTimeout, upgradeTimeout, value, lowWater, highWater, gracePeriod, limits);
    }

    public HostConfig withWatermarks(int low, int high) {
        return new HostConfig(
                listenAddresses, dialTimeout, upgradeTimeout, negotiationTimeout, low, high, gracePeriod, limits);
    }

    public HostConfig withGracePeriod(Duration value) {
        return new HostConfig(
                listenAddresses, dialTimeout, upgradeTimeout, negotiationTimeout, lowWater, highWater, value, limits);
    }

    public HostConfig withLimits(HostLimits value) {
        return new HostConfig(
                listenAddresses,
                dialTimeout,
                upgradeTimeout,
                negotiationTimeout,
                lowWater,
                highWater,
                gracePeriod,
                value);
    }
}
