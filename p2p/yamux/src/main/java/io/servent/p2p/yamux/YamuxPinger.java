package io.servent.p2p.yamux;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Outbound pings and the round-trip time they measure. At most one ping is outstanding; callers that
 * ping meanwhile share its answer (as go-yamux and js-yamux do). Pongs that match no outstanding ping
 * are ignored. Thread-safe.
 */
final class YamuxPinger {
    /** A ping that was (or is about to be) sent; {@code frame} is present when the caller must send it. */
    record Started(CompletableFuture<Long> rttNanos, Optional<YamuxHeader> frame) {}

    private record Active(int opaque, long sentNanos, CompletableFuture<Long> rtt) {}

    private final ReentrantLock lock = new ReentrantLock();
    private int nextOpaque;
    private @Nullable Active active;
    private volatile long smoothedRttNanos;

    Started start(long nowNanos) {
        lock.lock();
        try {
            Active current = active;
            if (current != null) {
                return new Started(current.rtt(), Optional.empty());
            }
            current = new Active(nextOpaque++, nowNanos, new CompletableFuture<>());
            active = current;
            return new Started(current.rtt(), Optional.of(YamuxHeader.ping(YamuxHeader.FLAG_SYN, current.opaque())));
        } finally {
            lock.unlock();
        }
    }

    void onPong(int opaque, long nowNanos) {
        Active answered;
        lock.lock();
        try {
            answered = active;
            if (answered == null || answered.opaque() != opaque) {
                return;
            }
            active = null;
        } finally {
            lock.unlock();
        }
        long rtt = Math.max(1, nowNanos - answered.sentNanos());
        long previous = smoothedRttNanos;
        smoothedRttNanos = previous == 0 ? rtt : (previous + rtt) / 2;
        answered.rtt().complete(rtt);
    }

    /** Forgets an unanswered ping so the next {@link #start} sends a fresh one. */
    @SuppressWarnings("ReferenceEquality") // the very future handed out by start()
    void abandon(CompletableFuture<Long> rtt) {
        lock.lock();
        try {
            if (active != null && active.rtt() == rtt) {
                active = null;
            }
        } finally {
            lock.unlock();
        }
    }

    void failAll(Exception cause) {
        Active failed;
        lock.lock();
        try {
            failed = active;
            active = null;
        } finally {
            lock.unlock();
        }
        if (failed != null) {
            failed.rtt().completeExceptionally(cause);
        }
    }

    /** Smoothed round-trip time in nanoseconds, 0 before the first pong. */
    long rttNanos() {
        return smoothedRttNanos;
    }
}
