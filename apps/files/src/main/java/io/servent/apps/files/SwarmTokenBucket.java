package io.servent.apps.files;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket for bandwidth and request rates: {@link #acquire} reserves tokens (going into debt
 * if need be) and then sleeps until the debt is paid, so callers are paced to the rate without a
 * queue and a burst of at most {@code burst} passes at once. A rate of {@link Long#MAX_VALUE} means
 * unlimited. Thread-safe; the sleep happens outside the lock.
 */
final class SwarmTokenBucket {
    static final long UNLIMITED = Long.MAX_VALUE;

    private final ReentrantLock lock = new ReentrantLock();
    private final long ratePerSecond;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    SwarmTokenBucket(long ratePerSecond, long burst) {
        if (ratePerSecond <= 0 || burst <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    static SwarmTokenBucket unlimited() {
        return new SwarmTokenBucket(UNLIMITED, 1);
    }

    boolean isUnlimited() {
        return ratePerSecond == UNLIMITED;
    }

    /** Takes {@code n} tokens, sleeping as long as the rate requires. */
    void acquire(long n) throws InterruptedIOException {
        if (isUnlimited()) {
            return;
        }
        long waitNanos;
        lock.lock();
        try {
            refill(System.nanoTime());
            tokens -= n;
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens / ratePerSecond * 1e9);
        } finally {
            lock.unlock();
        }
        if (waitNanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing");
            }
        }
    }

    /** Takes {@code n} tokens if they are there now. */
    boolean tryAcquire(long n) {
        if (isUnlimited()) {
            return true;
        }
        lock.lock();
        try {
            refill(System.nanoTime());
            if (tokens < n) {
                return false;
            }
            tokens -= n;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void refill(long now) {
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * ratePerSecond);
        last = now;
    }
}
