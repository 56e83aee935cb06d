package io.servent.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class YamuxKeepAliveTest {
    private static final long S = 1_000_000_000L;

    @Test
    void pingsEveryIntervalAndDeclaresASilentPeerDead() {
        YamuxKeepAlive keepAlive = new YamuxKeepAlive(Duration.ofSeconds(30), Duration.ofSeconds(10), 0);
        assertThat(keepAlive.tick(29 * S, 29 * S)).isEqualTo(YamuxKeepAlive.Action.NONE);
        assertThat(keepAlive.nanosUntilDue(29 * S, 29 * S)).isEqualTo(1 * S);
        assertThat(keepAlive.tick(30 * S, 29 * S)).isEqualTo(YamuxKeepAlive.Action.PING);
        assertThat(keepAlive.tick(31 * S, 29 * S)).isEqualTo(YamuxKeepAlive.Action.NONE);
        // The peer answered at 30.1 s: alive, next ping at 60 s.
        assertThat(keepAlive.nanosUntilDue(31 * S, 30 * S)).isEqualTo(29 * S);
        // Silent since 30 s: dead at 70 s.
        assertThat(keepAlive.tick(60 * S, 30 * S)).isEqualTo(YamuxKeepAlive.Action.PING);
        assertThat(keepAlive.nanosUntilDue(61 * S, 30 * S)).isEqualTo(9 * S);
        assertThat(keepAlive.tick(70 * S, 30 * S)).isEqualTo(YamuxKeepAlive.Action.DEAD);
    }

    @Test
    void disabledNeverActs() {
        YamuxKeepAlive keepAlive = new YamuxKeepAlive(Duration.ZERO, Duration.ofSeconds(10), 0);
        assertThat(keepAlive.tick(1000 * S, 0)).isEqualTo(YamuxKeepAlive.Action.NONE);
        assertThat(keepAlive.nanosUntilDue(1000 * S, 0)).isEqualTo(Long.MAX_VALUE);
    }
}
