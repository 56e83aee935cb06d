package io.servent.p2p.host;

import io.servent.p2p.api.Multiaddr;
import java.time.Duration;
import java.util.List;

/**
 * How a {@link Bootstrapper} keeps a host connected.
 *
 * @param peers bootstrap addresses, dialed at start and redialed whenever lost; with {@code
 *     /p2p/<id>} the handshake must prove that peer (recommended), without it the peer is whoever
 *     answers. At most {@value #MAX_PEERS}
 * @param minConnections when fewer peers than this are connected, dial peers the peerstore knows
 *     addresses for (0: only the bootstrap peers)
 * @param checkInterval how often the connection count is checked
 * @param backoff the wait between failed attempts to the same target; a connection that drops
 *     within {@code backoff.max()} of opening counts as a failure too, so a peer that accepts and
 *     drops us at once is redialed ever more slowly, not in a loop
 * @param maxConcurrentDials dials in flight at once
 */
public record BootstrapConfig(
        List<Multiaddr> peers, int minConnections, Duration checkInterval, Backoff backoff, int maxConcurrentDials) {
    public static final int MAX_PEERS = 64;

    public BootstrapConfig {
        peers = List.copyOf(peers);
        if (peers.size() > MAX_PEERS) {
            throw new IllegalArgumentException("at most " + MAX_PEERS + " bootstrap peers, not " + peers.size());
        }
        if (minConnections < 0) {
            throw new IllegalArgumentException("minConnections cannot be negative: " + minConnections);
        }
        if (checkInterval.isNegative() || checkInterval.isZero()) {
            throw new IllegalArgumentException("the check interval must be positive, not " + checkInterval);
        }
        if (maxConcurrentDials < 1) {
            throw new IllegalArgumentException("maxConcurrentDials must be at least 1, not " + maxConcurrentDials);
        }
    }

    /**
     * No bootstrap peers, at least 4 connections, checked every 10 s, backoff from 1 s doubling to 5
     * min with ±20 % jitter, 8 dials at once.
     */
    public static BootstrapConfig defaults() {
        return new BootstrapConfig(
                List.of(),
                4,
                Duration.ofSeconds(10),
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2),
                8);
    }

    public BootstrapConfig withPeers(List<Multiaddr> value) {
        return new BootstrapConfig(value, minConnections, checkInterval, backoff, maxConcurrentDials);
    }

    public BootstrapConfig withMinConnections(int value) {
        return new BootstrapConfig(peers, value, checkInterval, backoff, maxConcurrentDials);
    }

    public BootstrapConfig withCheckInterval(Duration value) {
        return new BootstrapConfig(peers, minConnections, value, backoff, maxConcurrentDials);
    }

    public BootstrapConfig withBackoff(Backoff value) {
        return new BootstrapConfig(peers, minConnections, checkInterval, value, maxConcurrentDials);
    }

    public BootstrapConfig withMaxConcurrentDials(int value) {
        return new BootstrapConfig(peers, minConnections, checkInterval, backoff, value);
    }
}
