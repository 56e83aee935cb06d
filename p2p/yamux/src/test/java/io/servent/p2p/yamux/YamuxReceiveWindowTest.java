package io.servent.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class YamuxReceiveWindowTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long MS = 1_000_000;

    private final YamuxWindowBudget budget = new YamuxWindowBudget(64 * MIB);

    @Test
    void noUpdateUntilHalfTheWindowIsConsumed() {
        YamuxReceiveWindow window = new YamuxReceiveWindow(budget, 16 * MIB, 0);
        assertThat(window.tryConsume(200 * KIB)).isTrue();
        // Received 200 KiB, the application read 100 KiB: 100 KiB consumed < half of 256 KiB.
        assertThat(window.nextUpdate(100 * KIB, 1000 * MS, 0)).isZero();
        // It read 28 KiB more: 128 KiB consumed, exactly half.
        assertThat(window.nextUpdate(72 * KIB, 1000 * MS, 0)).isEqualTo(128 * KIB);
        assertThat(window.credit()).isEqualTo(256 * KIB - 72 * KIB);
    }

    @Test
    void dataBeyondTheCreditIsRefusedBeforeAnythingIsAllocated() {
        YamuxReceiveWindow window = new YamuxReceiveWindow(budget, 16 * MIB, 0);
        assertThat(window.tryConsume(256 * KIB + 1)).isFalse();
        assertThat(window.tryConsume(256 * KIB)).isTrue();
        assertThat(window.tryConsume(1)).isFalse();
        assertThat(window.tryConsume(0)).isTrue();
    }

    @Test
    void withoutAnRttSampleTheWindowStaysAtTheSpecsSize() {
        YamuxReceiveWindow window = new YamuxReceiveWindow(budget, 16 * MIB, 0);
        for (int i = 1; i <= 100; i++) {
            window.tryConsume(window.credit());
            window.nextUpdate(0, i * 1000L, 0);
        }
        assertThat(window.window()).isEqualTo(256 * KIB);
    }

    @Test
    void doublesWhenHalfAWindowIsConsumedWithinTwoRoundTrips() {
        long rtt = 60 * MS;
        YamuxReceiveWindow window = new YamuxReceiveWindow(budget, 16 * MIB, 0);
        long now = 0;
        long[] seen = new long[8];
        for (int i = 0; i < seen.length; i++) {
            window.tryConsume(window.window() / 2);
            now += rtt; // half a window per round-trip: the window is the bottleneck
            long update = window.nextUpdate(0, now, rtt);
            assertThat(update).isPositive();
            seen[i] = window.window();
        }
        assertThat(seen).containsExactly(512 * KIB, 1 * MIB, 2 * MIB, 4 * MIB, 8 * MIB, 16 * MIB, 16 * MIB, 16 * MIB);
        assertThat(budget.used()).isEqualTo(16 * MIB);
    }

    @Test
    void doesNotGrowWhenTheApplicationIsTheBottleneck() {
        long rtt = 10 * MS;
        YamuxReceiveWindow window = new YamuxReceiveWindow(budget, 16 * MIB, 0);
        window.tryConsume(128 * KIB);
        assertThat(window.nextUpdate(0, 500 * MS, rtt)).isEqualTo(128 * KIB);
        assertThat(window.window()).isEqualTo(256 * KIB);
    }

    @Test
    void theConnectionBudgetCapsGrowthAndIsReturnedOnRelease() {
        YamuxWindowBudget small = new YamuxWindowBudget(1 * MIB);
        YamuxReceiveWindow a = new YamuxReceiveWindow(small, 16 * MIB, 0);
        YamuxReceiveWindow b = new YamuxReceiveWindow(small, 16 * MIB, 0);
        long rtt = 100 * MS;
        long now = 0;
        for (int i = 0; i < 5; i++) {
            a.tryConsume(a.window() / 2);
            a.nextUpdate(0, now += MS, rtt);
        }
        // 1 MiB minus b's 256 KiB leaves a at most 768 KiB.
        assertThat(a.window()).isEqualTo(768 * KIB);
        assertThat(small.used()).isEqualTo(1 * MIB);
        a.release();
        a.release();
        assertThat(small.used()).isEqualTo(256 * KIB);
        b.tryConsume(128 * KIB);
        b.nextUpdate(0, now + MS, rtt);
        assertThat(b.window()).isEqualTo(512 * KIB);
    }

    @Test
    void updatesAccountForBytesStillBuffered() {
        YamuxReceiveWindow window = new YamuxReceiveWindow(budget, 16 * MIB, 0);
        window.tryConsume(256 * KIB);
        // Everything received, 200 KiB of it still unread: 56 KiB consumed, no update.
        assertThat(window.nextUpdate(200 * KIB, MS, 0)).isZero();
        assertThat(window.nextUpdate(0, MS, 0)).isEqualTo(256 * KIB);
        assertThat(window.credit()).isEqualTo(256 * KIB);
    }
}
