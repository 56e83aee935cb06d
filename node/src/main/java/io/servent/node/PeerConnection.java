package io.servent.node;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One open connection, as {@code GET /api/v1/peers} and {@code POST /api/v1/connect} report it.
 *
 * @param peerId the remote PeerId
 * @param connectionId host-unique connection id, e.g. {@code c3}
 * @param remoteAddress the remote multiaddr
 * @param direction {@code inbound} or {@code outbound}
 * @param security negotiated security protocol, e.g. {@code /noise}
 * @param muxer negotiated stream muxer, e.g. {@code /yamux/1.0.0}
 * @param agent the peer's identify agent version, if identify has answered
 * @param protocols protocols the peer announced, sorted
 * @param latencyMs moving average of measured round trips, if any were measured
 * @param streams streams open on this connection
 * @param openedAt when the connection opened (ISO-8601)
 */
public record PeerConnection(
        String peerId,
        String connectionId,
        String remoteAddress,
        String direction,
        String security,
        String muxer,
        @Nullable String agent,
        List<String> protocols,
        @Nullable Double latencyMs,
        int streams,
        String openedAt) {
    public PeerConnection {
        protocols = List.copyOf(protocols);
    }
}
