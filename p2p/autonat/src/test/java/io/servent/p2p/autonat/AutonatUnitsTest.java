package io.servent.p2p.autonat;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AutonatUnitsTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void theStatusNeedsDistinctConfirmationsToChange() {
        ReachabilityTracker tracker = new ReachabilityTracker(2);
        PeerId a = PeerId.random();
        PeerId b = PeerId.random();
        PeerId c = PeerId.random();

        assertThat(tracker.record(a, true)).isEqualTo(Reachability.UNKNOWN);
        assertThat(tracker.record(a, true))
                .as("the same peer twice counts once")
                .isEqualTo(Reachability.UNKNOWN);
        assertThat(tracker.record(b, true)).isEqualTo(Reachability.PUBLIC);
        assertThat(tracker.record(a, false)).as("one contrary answer").isEqualTo(Reachability.PUBLIC);
        assertThat(tracker.record(c, true))
                .as("reconfirmed, the outlier is forgotten")
                .isEqualTo(Reachability.PUBLIC);
        assertThat(tracker.record(b, false)).isEqualTo(Reachability.PUBLIC);
        assertThat(tracker.record(c, false)).isEqualTo(Reachability.PRIVATE);
    }

    @Test
    void aPeersLatestAnswerReplacesItsEarlierOne() {
        ReachabilityTracker tracker = new ReachabilityTracker(2);
        PeerId a = PeerId.random();
        PeerId b = PeerId.random();
        tracker.record(a, true);
        tracker.record(a, false);
        assertThat(tracker.record(b, true))
                .as("a no longer vouches for reachability")
                .isEqualTo(Reachability.UNKNOWN);
        assertThat(tracker.record(b, false)).isEqualTo(Reachability.PRIVATE);
    }

    @Test
    void theRateLimiterCountsPerWindowInTotalAndPerPeer() {
        AutonatRateLimiter limiter = new AutonatRateLimiter(Duration.ofMinutes(1), 3, 2);
        PeerId a = PeerId.random();
        PeerId b = PeerId.random();

        assertThat(limiter.admit(a, T0)).isEmpty();
        assertThat(limiter.admit(a, T0)).isEmpty();
        assertThat(limiter.admit(a, T0)).get().asString().contains("from this peer");
        assertThat(limiter.admit(b, T0)).isEmpty();
        assertThat(limiter.admit(b, T0.plusSeconds(59))).get().asString().contains("limit 3");
        assertThat(limiter.admit(a, T0.plusSeconds(60))).as("a new window").isEmpty();
    }
}
