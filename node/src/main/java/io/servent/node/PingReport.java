package io.servent.node;

import java.util.List;

/**
 * {@code POST /api/v1/ping}: round trips to one peer on one stream.
 *
 * @param peerId the peer that answered
 * @param rttsMs each round trip in milliseconds, in order
 * @param minMs fastest
 * @param avgMs mean
 * @param maxMs slowest
 */
public record PingReport(String peerId, List<Double> rttsMs, double minMs, double avgMs, double maxMs) {
    public PingReport {
        rttsMs = List.copyOf(rttsMs);
    }
}
