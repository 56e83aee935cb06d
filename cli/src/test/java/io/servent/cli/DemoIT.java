package io.servent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code servent demo}, the README's first command, as a real process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoIT {
    @Test
    void toursAFivePeerNetworkAndCleansUp(@TempDir Path temp) throws Exception {
        Path parent = temp.resolve("demo");
        long start = System.nanoTime();
        ServentJar.Result demo = ServentJar.run(temp, "demo", "--exit", "--data", parent.toString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(took).as(demo.toString()).isLessThan(Duration.ofSeconds(60));
        assertThat(demo.out())
                .as(demo.toString())
                .contains("servent demo: 5 peers")
                .contains("1. Peers find each other")
                .containsPattern("peer 5 +12D3KooW\\S+ +\\d+ connections, DHT table \\d+")
                .contains("2. A peer behind the relay")
                .containsPattern("/p2p/12D3KooW\\w+/p2p-circuit/p2p/12D3KooW\\w+")
                .contains("relayed ping peer 2 -> peer 1 -> peer 5: 3 of 3 answered")
                .contains("3. Sharing folders")
                .containsPattern("peer 1 +\\d+ files, 3\\d\\.\\d MiB")
                .contains("4. Searching, in each mode")
                .contains("5. A multi-source download")
                .contains("6. Ping and perf")
                .containsPattern("perf: 32 MiB up in [0-9.]+ s \\([0-9.]+ MB/s\\)")
                .contains("7. Explore in your browser")
                .containsPattern("http://127\\.0\\.0\\.1:\\d+/login\\?token=\\S+")
                .contains("data directories are deleted");
        // Every peer's shares are published before the searches, so each mode finds its file at once.
        assertThat(demo.out())
                .containsPattern("all published to super-peers, directory server and DHT in \\d+ ms")
                .containsPattern("\"ocean\" \\(server[^\n]*\n +ocean-waves\\.mp3 ")
                .containsPattern("\"recording\" \\(flood[^\n]*\n +field-recording-\\d\\.ogg ")
                .containsPattern("\"film\" \\(dht[^\n]*\n +servent-demo-film\\.mkv +32 MiB +3 sources")
                .contains("the copy matches the original");
        assertThat(demo.err()).doesNotContain("Exception");
        try (var left = Files.list(parent)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void keepsTheDataWhenAskedAndRefusesTooFewPeers(@TempDir Path temp) throws Exception {
        Path parent = temp.resolve("demo");
        ServentJar.Result demo = ServentJar.run(
                temp, "demo", "--no-wait", "--keep", "--peers", "3", "--size", "2MiB", "--data", parent.toString());
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.out()).contains("servent demo: 3 peers").contains("their data is kept in:");
        try (var left = Files.list(parent)) {
            assertThat(left).hasSize(3);
        }

        ServentJar.Result tooFew = ServentJar.run(temp, "demo", "--exit", "--peers", "2");
        assertThat(tooFew.exitCode()).as(tooFew.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(tooFew.err()).contains("--peers must be between 3 and 16").doesNotContain("Exception");
    }

    @Test
    void keepsRunningUntilStoppedThenCleansUp(@TempDir Path temp) throws Exception {
        Path parent = temp.resolve("demo");
        Path out = temp.resolve("out.txt");
        Process demo =
                ServentJar.startCommand(out, "demo", "--peers", "3", "--size", "2MiB", "--data", parent.toString());
        try {
            Await.until(
                    Duration.ofSeconds(60),
                    () -> contains(out, "Press Ctrl-C to stop it"),
                    "the demo waits after its tour");
            try (var running = Files.list(parent)) {
                assertThat(running).hasSize(3);
            }
            demo.destroy(); // SIGTERM, handled like Ctrl-C
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(demo.exitValue()).isZero();
            assertThat(Files.readString(out)).contains("data directories are deleted");
            try (var left = Files.list(parent)) {
                assertThat(left).isEmpty();
            }
        } finally {
            demo.destroyForcibly();
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
