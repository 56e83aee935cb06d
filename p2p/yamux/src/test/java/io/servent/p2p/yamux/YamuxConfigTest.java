package io.servent.p2p.yamux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class YamuxConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        YamuxConfig config = YamuxConfig.defaults();
        assertThat(config.maxStreams()).isEqualTo(512);
        assertThat(config.maxAckBacklog()).isEqualTo(256);
        assertThat(config.maxStreamWindow()).isEqualTo(16 * 1024 * 1024);
        assertThat(config.keepAliveInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void withersChangeOneField() {
        YamuxConfig config = YamuxConfig.defaults()
                .withMaxStreams(7)
                .withMaxAckBacklog(3)
                .withStreamOpenTimeout(Duration.ofSeconds(1))
                .withMaxStreamWindow(1024 * 1024)
                .withMaxConnectionWindow(8 * 1024 * 1024)
                .withMaxFramePayload(4096)
                .withKeepAliveInterval(Duration.ZERO)
                .withPingTimeout(Duration.ofSeconds(2))
                .withCloseGracePeriod(Duration.ofMillis(5))
                .withMaxStreamRefusals(9)
                .withRefusalPeriod(Duration.ofSeconds(3));
        assertThat(config)
                .isEqualTo(new YamuxConfig(
                        7,
                        3,
                        Duration.ofSeconds(1),
                        1024 * 1024,
                        8 * 1024 * 1024,
                        4096,
                        Duration.ZERO,
                        Duration.ofSeconds(2),
                        Duration.ofMillis(5),
                        9,
                        Duration.ofSeconds(3)));
    }

    @Test
    void rejectsValuesThatBreakTheSpecOrMakeNoSense() {
        assertThatThrownBy(() -> YamuxConfig.defaults().withMaxStreamWindow(1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 KiB");
        assertThatThrownBy(() -> YamuxConfig.defaults().withMaxStreams(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> YamuxConfig.defaults().withPingTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> YamuxConfig.defaults().withKeepAliveInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
