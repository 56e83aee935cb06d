package io.servent.sim;

import java.time.Duration;

/**
 * How peers come and go, in simulated time: churning peers stay for a Weibull-distributed session
 * and are then replaced by a fresh peer (new identity) that joins through the DHT, so the population
 * stays at N. Only a share of the peers churns, chosen so that {@code replacedPerHour} of the
 * population is replaced per simulated hour in the steady state (a churning slot turns over once per
 * mean session); the rest stay for the run, as the stable core of a real network does.
 *
 * <p>{@code speedup} compresses time: one real second is {@code speedup} simulated seconds for
 * session times, while the protocols (latency, timeouts, the DHT's periodic maintenance) run in real
 * time. Immutable.
 *
 * @param sessions session-time distribution (simulated time)
 * @param replacedPerHour share of all peers replaced per simulated hour, in (0, 1]
 * @param duration how long the measured phase lasts, in simulated time
 * @param speedup simulated seconds per real second, ≥ 1
 */
record SimChurn(WeibullSessions sessions, double replacedPerHour, Duration duration, double speedup) {
    SimChurn {
        if (!(replacedPerHour > 0 && replacedPerHour <= 1)) {
            throw new IllegalArgumentException("replacedPerHour must be in (0, 1], not " + replacedPerHour);
        }
        if (!(speedup >= 1)) {
            throw new IllegalArgumentException("speedup must be at least 1, not " + speedup);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, not " + duration);
        }
    }

    /** The example: median session 30 min (shape 0.6), 20% of peers replaced per hour. */
    static SimChurn ipfsLike(Duration duration, double speedup) {
        return new SimChurn(WeibullSessions.withMedian(0.6, Duration.ofMinutes(30)), 0.2, duration, speedup);
    }

    /** The share of peers that churn: replacedPerHour × mean session (in hours), at most 1. */
    double churningShare() {
        double meanHours = sessions.mean().toNanos() / 3.6e12;
        return Math.min(1, replacedPerHour * meanHours);
    }

    /** Real time for a simulated span. */
    Duration real(Duration simulated) {
        return Duration.ofNanos((long) (simulated.toNanos() / speedup));
    }

    SimChurn withSpeedup(double value) {
        return new SimChurn(sessions, replacedPerHour, duration, value);
    }

    SimChurn withDuration(Duration value) {
        return new SimChurn(sessions, replacedPerHour, value, speedup);
    }
}
