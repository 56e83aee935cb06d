package io.servent.p2p.host;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses which connections to close when a host holds more than its high watermark: down to the
 * low watermark, never touching connections younger than the grace period or to protected peers,
 * closing idle (fewest streams) and then oldest first. Pure logic; thread-safe.
 */
final class ConnectionTrimmer {
    /** What the trimmer needs to know about one connection. */
    record Candidate<C>(C connection, Instant openedAt, boolean isProtected, int streams) {}

    private final int lowWater;
    private final int highWater;
    private final Duration gracePeriod;

    ConnectionTrimmer(int lowWater, int highWater, Duration gracePeriod) {
        this.lowWater = lowWater;
        this.highWater = highWater;
        this.gracePeriod = gracePeriod;
    }

    boolean needsTrim(int open) {
        return open > highWater;
    }

    <C> List<C> select(List<Candidate<C>> open, Instant now) {
        if (!needsTrim(open.size())) {
            return List.of();
        }
        int excess = open.size() - lowWater;
        return open.stream()
                .filter(c -> !c.isProtected())
                .filter(c -> c.openedAt().plus(gracePeriod).isBefore(now))
                .sorted(Comparator.<Candidate<C>>comparingInt(Candidate::streams)
                        .thenComparing(Candidate::openedAt))
                .limit(excess)
                .map(Candidate::connection)
                .toList();
    }
}
