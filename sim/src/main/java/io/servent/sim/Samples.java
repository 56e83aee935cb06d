package io.servent.sim;

import java.util.Arrays;

/**
 * Measured values (latencies, hop counts, request counts) with nearest-rank percentiles. Bounded:
 * past {@code capacity} values new ones are dropped and counted. Thread-safe (synchronized: a
 * sample is a few nanoseconds of work next to a lookup of milliseconds).
 */
final class Samples {
    private final double[] values;
    private int size;
    private long dropped;

    Samples(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive, not " + capacity);
        }
        this.values = new double[capacity];
    }

    synchronized void add(double value) {
        if (size == values.length) {
            dropped++;
            return;
        }
        values[size++] = value;
    }

    synchronized int count() {
        return size;
    }

    synchronized long dropped() {
        return dropped;
    }

    /** The nearest-rank percentile {@code p} (0 < p ≤ 100), NaN without samples. */
    synchronized double percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], not " + p);
        }
        if (size == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * size);
        return sorted[Math.max(0, rank - 1)];
    }

    synchronized double mean() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum / size;
    }

    /** p50, p90 and p99. */
    Percentiles percentiles() {
        return new Percentiles(percentile(50), percentile(90), percentile(99), count());
    }

    /** A summary of a {@link Samples}. */
    record Percentiles(double p50, double p90, double p99, int count) {
        String format(String unit) {
            return count == 0
                    ? "n/a"
                    : String.format(
                            java.util.Locale.ROOT,
                            "p50 %s%s, p90 %s%s, p99 %s%s",
                            num(p50),
                            unit,
                            num(p90),
                            unit,
                            num(p99),
                            unit);
        }

        private static String num(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e9
                    ? Long.toString((long) v)
                    : String.format(java.util.Locale.ROOT, "%.1f", v);
        }
    }
}
