package io.servent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code servent demo}, the README's first command, as a real process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoIT {
    @Test
    void narratesAConversationBetweenTwoPeersAndCleansUp(@TempDir Path temp) throws Exception {
        Path parent = temp.resolve("demo");
        ServentJar.Result demo = ServentJar.run(temp, "demo", "--data", parent.toString());
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.out())
                .contains("/noise")
                .contains("/yamux/1.0.0")
                .contains("agent      servent/")
                .containsPattern("ping 3: round trip [0-9.]+ ms")
                .contains("got it back intact")
                .containsPattern("perf \\(/perf/1.0.0\\): 64 MiB B -> A in [0-9.]+ s \\([0-9.]+ MB/s\\)")
                .contains("data directories are deleted");
        assertThat(demo.err()).doesNotContain("Exception");
        try (var left = Files.list(parent)) {
            assertThat(left).isEmpty();
        }
    }
}
