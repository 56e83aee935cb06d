package io.servent.apps.files;

import io.servent.p2p.api.PeerId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket per peer: at most {@code perSecond} requests per second with bursts of {@code
 * burst}. Tracks at most {@link #MAX_TRACKED_PEERS} peers, forgetting the least recently seen (a
 * forgotten peer starts with a full bucket, which is the cost of a bounded map). Thread-safe.
 */
final class SearchRateLimiter {
    static final int MAX_TRACKED_PEERS = 10_000;

    private final double perSecond;
    private final double burst;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<PeerId, double[]> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, double[]> eldest) {
            return size() > MAX_TRACKED_PEERS;
        }
    };

    SearchRateLimiter(double perSecond, double burst) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate " + perSecond + "/s with burst " + burst + " admits nothing");
        }
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes a token for {@code peer} at {@code nanos}; false if it has none left. */
    boolean tryAcquire(PeerId peer, long nanos) {
        lock.lock();
        try {
            double[] b = buckets.computeIfAbsent(peer, p -> new double[] {burst, nanos});
            b[0] = Math.min(burst, b[0] + (nanos - (long) b[1]) / 1e9 * perSecond);
            b[1] = nanos;
            if (b[0] < 1) {
                return false;
            }
            b[0] -= 1;
            return true;
        } finally {
            lock.unlock();
        }
    }
}
