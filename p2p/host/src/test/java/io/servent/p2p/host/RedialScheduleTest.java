package io.servent.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The schedule with a fake clock: plain nanosecond numbers that wrap past Long.MAX_VALUE. */
@Timeout(10)
class RedialScheduleTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = nearOverflow();
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8), 0);

    private static long nearOverflow() {
        return Long.MAX_VALUE - 3 * SECOND;
    }

    private final RedialSchedule<String> schedule = new RedialSchedule<>(BACKOFF, 8 * SECOND, new Random(3));

    @Test
    void aNewTargetIsDueAtOnceAndOnlyOnceUntilItsDialEnds() {
        schedule.add("a", T0);

        assertThat(schedule.due(T0)).containsExactly("a");
        assertThat(schedule.due(T0 + 100 * SECOND)).isEmpty(); // being dialed
        assertThat(schedule.status("a").dialing()).isTrue();
        assertThat(schedule.nextDue()).isEmpty();
    }

    @Test
    void failuresBackOffExponentiallyUpToTheCap() {
        schedule.add("a", T0);
        long now = T0;
        long[] waits = new long[6];
        for (int i = 0; i < waits.length; i++) {
            assertThat(schedule.due(now)).containsExactly("a");
            schedule.failed("a", now);
            long next = schedule.nextDue().orElseThrow();
            waits[i] = (next - now) / SECOND;
            assertThat(schedule.due(next - 1)).isEmpty();
            now = next;
        }
        assertThat(waits).containsExactly(1, 2, 4, 8, 8, 8);
        assertThat(schedule.status("a").failures()).isEqualTo(6);
    }

    @Test
    void aConnectionThatLastsForgetsTheFailures() {
        schedule.add("a", T0);
        schedule.due(T0);
        schedule.failed("a", T0);
        schedule.due(T0 + SECOND);
        schedule.failed("a", T0 + SECOND);
        schedule.due(T0 + 3 * SECOND);

        schedule.connected("a", T0 + 3 * SECOND);

        assertThat(schedule.status("a"))
                .isEqualTo(new RedialSchedule.Status(0, true, false, java.util.OptionalLong.empty()));
        assertThat(schedule.due(T0 + 100 * SECOND)).isEmpty(); // connected: nothing to do
        schedule.lost("a", T0 + 100 * SECOND);
        assertThat(schedule.due(T0 + 100 * SECOND)).containsExactly("a");
        schedule.failed("a", T0 + 100 * SECOND);
        assertThat(schedule.nextDue()).hasValue(T0 + 101 * SECOND); // the first step again
    }

    @Test
    void aStableConnectionThatIsLostIsRedialedAtOnce() {
        schedule.add("a", T0);
        schedule.due(T0);
        schedule.connected("a", T0);

        schedule.lost("a", T0 + 60 * SECOND);

        assertThat(schedule.due(T0 + 60 * SECOND)).containsExactly("a");
        assertThat(schedule.status("a").failures()).isZero();
    }

    @Test
    void aConnectionDroppedSoonAfterOpeningCountsAsAFailure() {
        schedule.add("a", T0);
        long now = T0;
        for (int round = 1; round <= 4; round++) {
            assertThat(schedule.due(now)).containsExactly("a");
            schedule.connected("a", now);
            schedule.lost("a", now + SECOND / 10); // accepted, then dropped at once
            long next = schedule.nextDue().orElseThrow();
            assertThat(next - (now + SECOND / 10)).isEqualTo(Math.min(8, 1L << (round - 1)) * SECOND);
            now = next;
        }
        assertThat(schedule.status("a").failures()).isEqualTo(4);
    }

    @Test
    void losingATargetThatWasNotConnectedChangesNothing() {
        schedule.add("a", T0);
        schedule.due(T0);

        schedule.lost("a", T0 + 1);
        schedule.lost("unknown", T0 + 1);

        assertThat(schedule.status("a").dialing()).isTrue();
        assertThat(schedule.contains("unknown")).isFalse();
    }

    @Test
    void tryBeginRespectsTheBackoff() {
        assertThat(schedule.tryBegin("p", T0)).isTrue();
        assertThat(schedule.tryBegin("p", T0)).isFalse(); // already dialing
        schedule.failed("p", T0);

        assertThat(schedule.ready("p", T0 + SECOND / 2)).isFalse();
        assertThat(schedule.tryBegin("p", T0 + SECOND / 2)).isFalse();
        assertThat(schedule.tryBegin("p", T0 + SECOND)).isTrue();
        assertThat(schedule.ready("never-seen", T0)).isTrue();
    }

    @Test
    void nextDueIsTheEarliestWaitingTarget() {
        schedule.add("a", T0 + 5);
        schedule.add("b", T0);
        schedule.due(T0);
        schedule.failed("b", T0); // due at T0 + 1 s

        assertThat(schedule.nextDue()).hasValue(T0 + 5);
        schedule.due(T0 + 5);
        assertThat(schedule.nextDue()).hasValue(T0 + SECOND);
    }

    @Test
    void retainAllForgetsOnlyIdleTargets() {
        schedule.add("idle", T0);
        schedule.add("dialing", T0);
        schedule.tryBegin("dialing", T0);

        schedule.retainAll(k -> false);

        assertThat(schedule.contains("idle")).isFalse();
        assertThat(schedule.contains("dialing")).isTrue();
    }
}
