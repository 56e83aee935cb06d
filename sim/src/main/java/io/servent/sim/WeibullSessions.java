package io.servent.sim;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Session times drawn from a Weibull distribution, the fit of measured IPFS sessions (shape ≈ 0.6,
 * scale ≈ 3.7 h). Built from a median, the number people quote; a shape below 1 means many short
 * sessions and a long tail. Immutable and thread-safe; the caller passes its own random source.
 */
record WeibullSessions(double shape, Duration scale) {
    WeibullSessions {
        if (!(shape > 0) || scale.isNegative() || scale.isZero()) {
            throw new IllegalArgumentException("a Weibull needs shape > 0 and scale > 0, not " + shape + ", " + scale);
        }
    }

    /** The distribution with this {@code shape} whose median is {@code median}. */
    static WeibullSessions withMedian(double shape, Duration median) {
        double scaleNanos = median.toNanos() / Math.pow(Math.log(2), 1 / shape);
        return new WeibullSessions(shape, Duration.ofNanos(Math.round(scaleNanos)));
    }

    /** Inverse transform sampling: scale × (−ln U)^(1/shape). */
    Duration sample(SplittableRandom random) {
        double u = 1 - random.nextDouble(); // in (0, 1], so the log is finite
        double nanos = scale.toNanos() * Math.pow(-Math.log(u), 1 / shape);
        return Duration.ofNanos((long) Math.min(nanos, Long.MAX_VALUE / 2.0));
    }

    Duration median() {
        return Duration.ofNanos(Math.round(scale.toNanos() * Math.pow(Math.log(2), 1 / shape)));
    }

    /** scale × Γ(1 + 1/shape). */
    Duration mean() {
        return Duration.ofNanos(Math.round(scale.toNanos() * gamma(1 + 1 / shape)));
    }

    /** The Lanczos approximation (g = 7, n = 9), good to ~15 digits for x > 0.5. */
    static double gamma(double x) {
        if (x < 0.5) {
            return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
        }
        double[] c = {
            0.99999999999980993,
            676.5203681218851,
            -1259.1392167224028,
            771.32342877765313,
            -176.61502916214059,
            12.507343278686905,
            -0.13857109526572012,
            9.9843695780195716e-6,
            1.5056327351493116e-7
        };
        double y = x - 1;
        double a = c[0];
        double t = y + 7.5;
        for (int i = 1; i < 9; i++) {
            a += c[i] / (y + i);
        }
        return Math.sqrt(2 * Math.PI) * Math.pow(t, y + 0.5) * Math.exp(-t) * a;
    }
}
