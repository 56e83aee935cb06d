package io.servent.p2p.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition with a deadline, so tests never sleep blindly: it polls with short parks
 * (growing from 0.1 ms to 10 ms) and fails with the description when time runs out. Thread-safe.
 */
public final class Await {
    private static final long FIRST_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private Await() {}

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @param description what is awaited, phrased to follow "waiting until", e.g. "the peer is connected"
     * @throws AssertionError if it does not hold within {@code timeout}, or the thread is interrupted
     */
    public static void until(Duration timeout, BooleanSupplier condition, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long park = FIRST_PARK_NANOS;
        while (!condition.getAsBoolean()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + description);
            }
            LockSupport.parkNanos(Math.min(park, remaining));
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("interrupted while waiting until " + description);
            }
            park = Math.min(park * 2, MAX_PARK_NANOS);
        }
    }
}
