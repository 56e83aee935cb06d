package io.servent.p2p.host;

/**
 * Resource limits a host enforces. Each refusal names the limit it hit, so an operator knows which
 * setting to change.
 *
 * @param maxConnections open connections in total
 * @param maxConnectionsPerPeer open connections to one peer
 * @param maxInboundConnectionsPerIp inbound connections from one IP address (loopback included)
 * @param maxPendingHandshakes inbound connections still negotiating security and muxer
 * @param maxStreamsPerConnection open streams on one connection
 * @param maxStreamsPerPeer open streams across all connections to one peer
 * @param maxInboundStreamHandlers inbound stream handlers running at once, host-wide
 * @param maxBufferedBytesPerConnection receive buffer bytes one connection may hold
 */
public record HostLimits(
        int maxConnections,
        int maxConnectionsPerPeer,
        int maxInboundConnectionsPerIp,
        int maxPendingHandshakes,
        int maxStreamsPerConnection,
        int maxStreamsPerPeer,
        int maxInboundStreamHandlers,
        long maxBufferedBytesPerConnection) {

    public HostLimits {
        requirePositive(maxConnections, "maxConnections");
        requirePositive(maxConnectionsPerPeer, "maxConnectionsPerPeer");
        requirePositive(maxInboundConnectionsPerIp, "maxInboundConnectionsPerIp");
        requirePositive(maxPendingHandshakes, "maxPendingHandshakes");
        requirePositive(maxStreamsPerConnection, "maxStreamsPerConnection");
        requirePositive(maxStreamsPerPeer, "maxStreamsPerPeer");
        requirePositive(maxInboundStreamHandlers, "maxInboundStreamHandlers");
        if (maxBufferedBytesPerConnection < 256 * 1024) {
            throw new IllegalArgumentException(
                    "maxBufferedBytesPerConnection must be at least one Yamux window (256 KiB)");
        }
    }

    public static HostLimits defaults() {
        return new HostLimits(1024, 8, 64, 128, 512, 1024, 8192, 32L << 20);
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    public HostLimits withMaxConnections(int value) {
        return new HostLimits(
                value,
                maxConnectionsPerPeer,
                maxInboundConnectionsPerIp,
                maxPendingHandshakes,
                maxStreamsPerConnection,
                maxStreamsPerPeer,
                maxInboundStreamHandlers,
                maxBufferedBytesPerConnection);
    }

    public HostLimits withMaxConnectionsPerPeer(int value) {
        return new HostLimits(
                maxConnections,
                value,
                maxInboundConnectionsPerIp,
                maxPendingHandshakes,
                maxStreamsPerConnection,
                maxStreamsPerPeer,
                maxInboundStreamHandlers,
                maxBufferedBytesPerConnection);
    }

    public HostLimits withMaxInboundConnectionsPerIp(int value) {
        return new HostLimits(
                maxConnections,
                maxConnectionsPerPeer,
                value,
                maxPendingHandshakes,
                maxStreamsPerConnection,
                maxStreamsPerPeer,
                maxInboundStreamHandlers,
                maxBufferedBytesPerConnection);
    }

    public HostLimits withMaxPendingHandshakes(int value) {
        return new HostLimits(
                maxConnections,
                maxConnectionsPerPeer,
                maxInboundConnectionsPerIp,
                value,
                maxStreamsPerConnection,
                maxStreamsPerPeer,
                maxInboundStreamHandlers,
                maxBufferedBytesPerConnection);
    }

    public HostLimits withMaxStreamsPerConnection(int value) {
        return new HostLimits(
                maxConnections,
                maxConnectionsPerPeer,
                maxInboundConnectionsPerIp,
                maxPendingHandshakes,
                value,
                maxStreamsPerPeer,
                maxInboundStreamHandlers,
                maxBufferedBytesPerConnection);
    }

    public HostLimits withMaxStreamsPerPeer(int value) {
        return new HostLimits(
                maxConnections,
                maxConnectionsPerPeer,
                maxInboundConnectionsPerIp,
                maxPendingHandshakes,
                maxStreamsPerConnection,
                value,
                maxInboundStreamHandlers,
                maxBufferedBytesPerConnection);
    }

    public HostLimits withMaxInboundStreamHandlers(int value) {
        return new HostLimits(
                maxConnections,
                maxConnectionsPerPeer,
                maxInboundConnectionsPerIp,
                maxPendingHandshakes,
                maxStreamsPerConnection,
                maxStreamsPerPeer,
                value,
                maxBufferedBytesPerConnection);
    }

    public HostLimits withMaxBufferedBytesPerConnection(long value) {
        return new HostLimits(
                maxConnections,
                maxConnectionsPerPeer,
                maxInboundConnectionsPerIp,
                maxPendingHandshakes,
                maxStreamsPerConnection,
                maxStreamsPerPeer,
                maxInboundStreamHandlers,
                value);
    }
}
