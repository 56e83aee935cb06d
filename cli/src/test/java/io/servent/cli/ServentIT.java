package io.servent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two real daemon processes from servent.jar, driven by real servent client processes. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServentIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private ServentJar.Daemon a;
    private ServentJar.Daemon b;

    @BeforeAll
    void startTwoDaemons(@TempDir Path temp) throws Exception {
        work = temp;
        a = ServentJar.Daemon.start(temp.resolve("a"), temp);
        b = ServentJar.Daemon.start(temp.resolve("b"), temp);
    }

    @AfterAll
    void stopDaemons() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private ServentJar.Result servent(String... args) throws Exception {
        return ServentJar.run(work, args);
    }

    private ServentJar.Result ok(String... args) throws Exception {
        ServentJar.Result result = servent(args);
        assertThat(result.exitCode())
                .as("servent %s\n%s", String.join(" ", args), result)
                .isZero();
        return result;
    }

    private String addressOf(ServentJar.Daemon d) throws Exception {
        JsonNode id =
                JSON.readTree(ok("id", "--data", d.data.toString(), "--json").out());
        return id.get("addresses").get(0).asText();
    }

    @Test
    @Order(1)
    void startPrintsPeerIdAndFullAddresses() throws Exception {
        JsonNode id =
                JSON.readTree(ok("id", "--data", a.data.toString(), "--json").out());
        String peerId = id.get("peerId").asText();
        assertThat(peerId).startsWith("12D3KooW");
        assertThat(id.get("agent").asText()).startsWith("servent/");
        assertThat(id.get("addresses").get(0).asText())
                .startsWith("/ip4/127.0.0.1/tcp/")
                .endsWith("/p2p/" + peerId);
        assertThat(a.stdout()).contains("PeerId       " + peerId).contains("/p2p/" + peerId);
        ServentJar.Result text = ok("id", "--data", a.data.toString());
        assertThat(text.out()).contains("PeerId     " + peerId).contains("/ipfs/ping/1.0.0");
    }

    @Test
    @Order(2)
    void connectPeersPingAndPerf() throws Exception {
        String addressOfA = addressOf(a);
        String peerA = addressOfA.substring(addressOfA.lastIndexOf('/') + 1);
        String peerB = JSON.readTree(
                        ok("id", "--data", b.data.toString(), "--json").out())
                .get("peerId")
                .asText();

        ServentJar.Result connect = ok("connect", "--data", b.data.toString(), addressOfA);
        assertThat(connect.out())
                .contains("connected to " + peerA)
                .contains("/noise")
                .contains("/yamux/1.0.0");

        ServentJar.Result peers = ok("peers", "--data", a.data.toString());
        assertThat(peers.out()).contains(peerB).contains("servent/").contains(" in ");
        JsonNode peersJson =
                JSON.readTree(ok("peers", "--data", b.data.toString(), "--json").out());
        assertThat(peersJson.get(0).get("peerId").asText()).isEqualTo(peerA);
        assertThat(peersJson.get(0).get("agent").asText()).startsWith("servent/");

        ServentJar.Result ping = ok("ping", "--data", b.data.toString(), peerA, "-n", "3");
        assertThat(ping.out().lines().filter(l -> l.startsWith("pong from " + peerA)))
                .hasSize(3);
        assertThat(ping.out()).containsPattern("3 pings: min [0-9.]+ ms, avg [0-9.]+ ms, max [0-9.]+ ms");

        ServentJar.Result perf =
                ok("perf", "--data", b.data.toString(), addressOfA, "--upload", "8MiB", "--download", "8 MiB");
        assertThat(perf.out())
                .containsPattern("upload +8 MiB in [0-9.]+ s: [0-9.]+ MB/s")
                .containsPattern("download +8 MiB in [0-9.]+ s: [0-9.]+ MB/s");
    }

    @Test
    @Order(3)
    void shareBrowseUnshareConfigAndOpen() throws Exception {
        String addressOfA = addressOf(a);
        String peerA = addressOfA.substring(addressOfA.lastIndexOf('/') + 1);
        ok("connect", "--data", b.data.toString(), addressOfA);
        Path folder = java.nio.file.Files.createDirectories(work.resolve("to share"));
        java.nio.file.Files.writeString(folder.resolve("song.mp3"), "tra la la ".repeat(5000));
        ServentJar.Result share = ok("share", "--data", a.data.toString(), folder.toString());
        assertThat(share.out()).contains("sharing " + folder.toRealPath()).contains("with everyone");
        assertThat(servent(
                                "share",
                                "--data",
                                a.data.toString(),
                                work.resolve("nope").toString())
                        .err())
                .contains("there is no folder");

        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        String shares;
        do {
            shares = ok("shares", "--data", a.data.toString()).out();
        } while (!shares.contains("indexed") && System.nanoTime() < deadline);
        assertThat(shares)
                .contains("ID")
                .contains(folder.toRealPath().toString())
                .contains("everyone")
                .contains("indexed");

        ServentJar.Result browse = ok("browse", "--data", b.data.toString(), peerA);
        assertThat(browse.out()).contains("to share/song.mp3").contains("audio").contains("1 file, 48.8 KiB");

        ServentJar.Result unshare = ok("unshare", "--data", a.data.toString(), folder.toString());
        assertThat(unshare.out()).contains("stopped sharing " + folder.toRealPath());
        assertThat(ok("shares", "--data", a.data.toString()).out()).contains("nothing is shared");
        assertThat(ok("browse", "--data", b.data.toString(), peerA).out()).contains("shares nothing");

        ServentJar.Result config = ok("config", "--data", a.data.toString());
        assertThat(config.out())
                .contains("effective configuration")
                .contains("[limits]")
                .contains("max_connections = ");
        ServentJar.Result local =
                ok("config", "--data", work.resolve("no-daemon").toString());
        assertThat(local.out()).contains("no daemon is running").contains("level = \"info\"");

        assertThat(a.stdout()).contains("web UI       http://127.0.0.1:").contains("/login?token=");
        assertThat(ok("open", "--data", a.data.toString()).out())
                .containsPattern("http://127\\.0\\.0\\.1:\\d+/login\\?token=");
    }

    @Test
    @Order(3)
    void failuresAreExplainedWithoutStackTraces() throws Exception {
        ServentJar.Result refused = servent("ping", "--data", b.data.toString(), "/ip4/127.0.0.1/tcp/1");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("servent: cannot connect to /ip4/127.0.0.1/tcp/1: connection refused");
        ServentJar.Result usage = servent("perf", "--data", b.data.toString(), "/ip4/127.0.0.1/tcp/1", "--upload", "x");
        assertThat(usage.exitCode()).isEqualTo(2);
        for (ServentJar.Result r : new ServentJar.Result[] {refused, usage}) {
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    @Order(4)
    void aSecondDaemonOnTheSameDirectoryIsRefused() throws Exception {
        ServentJar.Result second =
                servent("start", "--data", a.data.toString(), "--listen", "/ip4/127.0.0.1/tcp/0", "--api-port", "0");
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.err())
                .contains("another servent daemon is already running for " + a.data + " (pid " + a.process.pid() + ")");
        ok("id", "--data", a.data.toString()); // the first one is untouched
    }

    @Test
    @Order(5)
    void sigtermStopsCleanlyAndIdentitySurvivesARestart() throws Exception {
        String before = JSON.readTree(
                        ok("id", "--data", b.data.toString(), "--json").out())
                .get("peerId")
                .asText();
        long start = System.nanoTime();
        assertThat(b.terminate(Duration.ofSeconds(10))).as(b.stderr()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(b.data.resolve("daemon.json")).doesNotExist();
        assertThat(b.stderr()).contains("servent stopped").doesNotContain("Exception");

        ServentJar.Result none = servent("id", "--data", b.data.toString());
        assertThat(none.exitCode()).isEqualTo(3);

        try (ServentJar.Daemon again = ServentJar.Daemon.start(b.data, work)) {
            String after = JSON.readTree(
                            ok("id", "--data", b.data.toString(), "--json").out())
                    .get("peerId")
                    .asText();
            assertThat(after).isEqualTo(before);
            ServentJar.Result stop = ok("stop", "--data", b.data.toString());
            assertThat(stop.out()).contains("stopped the servent daemon");
            assertThat(again.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(again.process.exitValue()).isZero();
            assertThat(b.data.resolve("daemon.json")).doesNotExist();
        }
    }

    @Test
    void idWithoutADaemonExitsThreeWithAFriendlyMessage() throws Exception {
        Path empty = work.resolve("never-started");
        ServentJar.Result result = servent("id", "--data", empty.toString());
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err().strip())
                .isEqualTo("servent: no daemon is running for " + empty + " — start one with `servent start --data "
                        + empty + "`");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aStaleRuntimeFileMeansNoDaemon() throws Exception {
        Path dir = work.resolve("stale");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("api.token"), "abc\n");
        Files.writeString(
                dir.resolve("daemon.json"),
                "{\"pid\":999999999,\"apiUrl\":\"http://127.0.0.1:1\",\"peerId\":\"x\",\"addresses\":[],\"version\":\"v\"}");
        ServentJar.Result result = servent("peers", "--data", dir.toString());
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).contains("no daemon is running for " + dir).contains("stale");
    }
}
