package io.servent.p2p.host;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter, bounded: after the n-th failure in a row wait {@code initial ×
 * 2^(n−1)}, capped at {@code max}, then scaled by a random factor in {@code [1 − jitter, 1 + jitter)}
 * and capped at {@code max} again, so peers that failed together do not retry together and no wait
 * ever exceeds {@code max}. Immutable and thread-safe (the random source is the caller's).
 *
 * @param initial the wait after the first failure
 * @param max the longest wait
 * @param jitter how far a wait may stray from its nominal value, as a fraction in [0, 1]
 */
public record Backoff(Duration initial, Duration max, double jitter) {
    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("the initial backoff must be positive, not " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("the longest backoff " + max + " is shorter than the first " + initial);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter is a fraction between 0 and 1, not " + jitter);
        }
    }

    /** The wait in nanoseconds after {@code failures} failures in a row (at least 1). */
    public long delayNanos(int failures, RandomGenerator random) {
        if (failures < 1) {
            throw new IllegalArgumentException("a backoff follows at least one failure, not " + failures);
        }
        double cap = max.toNanos();
        // 2^62 nanoseconds exceed any cap a Duration can express here; beyond that the cap applies anyway.
        double nominal = Math.min(cap, initial.toNanos() * Math.pow(2, Math.min(failures - 1, 62)));
        double factor = 1 - jitter + 2 * jitter * random.nextDouble();
        return (long) Math.min(cap, nominal * factor);
    }
}
