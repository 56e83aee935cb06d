package io.servent.p2p.host;

/**
 * Counts refusals in a sliding one-second window and reports when they exceed what an honest peer
 * would cause (an honest peer backs off after a few resets). Thread-safe.
 */
final class RefusalCounter {
    static final int MAX_REFUSALS_PER_SECOND = 64;
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private long windowStart = System.nanoTime();
    private int count;

    synchronized boolean recordAndCheck() {
        long now = System.nanoTime();
        if (now - windowStart > WINDOW_NANOS) {
            windowStart = now;
            count = 0;
        }
        return ++count > MAX_REFUSALS_PER_SECOND;
    }
}
