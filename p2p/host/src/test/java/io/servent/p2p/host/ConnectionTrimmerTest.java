package io.servent.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionTrimmerTest {
    private final Instant now = Instant.parse("2026-11-22T12:00:00Z");
    private final ConnectionTrimmer trimmer = new ConnectionTrimmer(2, 4, Duration.ofSeconds(30));

    private ConnectionTrimmer.Candidate<String> c(String name, int ageSeconds, boolean isProtected, int streams) {
        return new ConnectionTrimmer.Candidate<>(name, now.minusSeconds(ageSeconds), isProtected, streams);
    }

    @Test
    void doesNothingAtOrBelowTheHighWatermark() {
        assertThat(trimmer.select(
                        List.of(c("a", 99, false, 0), c("b", 99, false, 0), c("c", 99, false, 0), c("d", 99, false, 0)),
                        now))
                .isEmpty();
    }

    @Test
    void trimsDownToTheLowWatermarkIdleAndOldestFirst() {
        var open = List.of(
                c("busy", 500, false, 3),
                c("idle-old", 400, false, 0),
                c("idle-young", 100, false, 0),
                c("one-stream", 600, false, 1),
                c("idle-oldest", 900, false, 0));
        assertThat(trimmer.select(open, now)).containsExactly("idle-oldest", "idle-old", "idle-young");
    }

    @Test
    void sparesProtectedPeersAndConnectionsInTheirGracePeriod() {
        var open = List.of(
                c("protected", 900, true, 0),
                c("new", 5, false, 0),
                c("old1", 900, false, 0),
                c("old2", 800, false, 0),
                c("old3", 700, false, 0));
        assertThat(trimmer.select(open, now)).containsExactly("old1", "old2", "old3");
    }
}
