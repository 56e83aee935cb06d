package io.servent.p2p.autonat;

import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fixed-window request counting for the AutoNAT server, in total and per peer, without I/O: time
 * comes from the caller. The per-peer map holds only peers seen in the current window, so it is
 * bounded by the total limit. Thread-safe.
 */
final class AutonatRateLimiter {
    private final Duration window;
    private final int total;
    private final int perPeer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<PeerId, Integer> counts = new HashMap<>();
    private Instant windowStart = Instant.MIN;
    private int served;

    AutonatRateLimiter(Duration window, int total, int perPeer) {
        this.window = window;
        this.total = total;
        this.perPeer = perPeer;
    }

    /** Counts a request if it is within the limits; otherwise says which limit it hit. */
    Optional<String> admit(PeerId peer, Instant now) {
        lock.lock();
        try {
            if (windowStart == Instant.MIN || !now.isBefore(windowStart.plus(window))) {
                windowStart = now;
                served = 0;
                counts.clear();
            }
            if (served >= total) {
                return Optional.of(served + " requests in the last " + window.toSeconds() + " s (limit " + total + ")");
            }
            int fromPeer = counts.getOrDefault(peer, 0);
            if (fromPeer >= perPeer) {
                return Optional.of(fromPeer + " requests from this peer in the last " + window.toSeconds()
                        + " s (limit " + perPeer + ")");
            }
            served++;
            counts.put(peer, fromPeer + 1);
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }
}
