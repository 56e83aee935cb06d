package io.servent.p2p.yamux;

import java.time.Duration;

/**
 * When to ping and when to give up on a silent peer, sans I/O. A ping goes out every interval
 * (measuring the round-trip time as a side effect); any frame from the peer proves it alive, and a
 * peer silent for the interval plus the ping timeout is dead. Not thread-safe: only the connection's
 * writer thread calls it.
 */
final class YamuxKeepAlive {
    enum Action {
        NONE,
        PING,
        DEAD
    }

    private final long intervalNanos;
    private final long timeoutNanos;
    private long lastPingNanos;

    YamuxKeepAlive(Duration interval, Duration timeout, long nowNanos) {
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
        this.lastPingNanos = nowNanos;
    }

    boolean enabled() {
        return intervalNanos > 0;
    }

    Action tick(long nowNanos, long lastReceivedNanos) {
        if (!enabled()) {
            return Action.NONE;
        }
        if (nowNanos - lastReceivedNanos >= intervalNanos + timeoutNanos) {
            return Action.DEAD;
        }
        if (nowNanos - lastPingNanos >= intervalNanos) {
            lastPingNanos = nowNanos;
            return Action.PING;
        }
        return Action.NONE;
    }

    /** How long until {@link #tick} may return something other than NONE; Long.MAX_VALUE if disabled. */
    long nanosUntilDue(long nowNanos, long lastReceivedNanos) {
        if (!enabled()) {
            return Long.MAX_VALUE;
        }
        long due = Math.min(lastPingNanos + intervalNanos, lastReceivedNanos + intervalNanos + timeoutNanos);
        return Math.max(0, due - nowNanos);
    }
}
