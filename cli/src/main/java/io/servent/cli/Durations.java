package io.servent.cli;

import java.util.Locale;

/** Number formats for command output. */
final class Durations {
    private Durations() {}

    /** Milliseconds with sensible precision: {@code 0.213 ms}, {@code 12.4 ms}, {@code 1503 ms}. */
    static String millis(double ms) {
        if (ms < 1) {
            return String.format(Locale.ROOT, "%.3f ms", ms);
        }
        if (ms < 100) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    static String mbps(double value) {
        return String.format(Locale.ROOT, "%.1f MB/s", value);
    }
}
