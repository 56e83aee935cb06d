package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Multiaddr;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DaemonTest {
    @TempDir
    Path temp;

    @Test
    void closeRemovesTheRuntimeFileAndReleasesTheDirectory() throws Exception {
        Path dir = temp.resolve("d");
        Daemon first = Daemon.start(dir, ControlApiTest::loopback);
        String peer = first.host().peerId().toString();
        assertThat(dir.resolve("daemon.json")).exists();
        first.requestShutdown();
        assertThat(first.awaitClosed(Duration.ofSeconds(15))).isTrue();
        assertThat(dir.resolve("daemon.json")).doesNotExist();
        assertThat(first.host().liveThreadCount()).isZero();

        try (Daemon second = Daemon.start(dir, ControlApiTest::loopback)) {
            assertThat(second.host().peerId().toString()).isEqualTo(peer);
        }
    }

    @Test
    void closeEndsEveryServiceThread() throws Exception {
        Daemon a = Daemon.start(temp.resolve("a"), ControlApiTest::loopback);
        Daemon b = Daemon.start(
                temp.resolve("b"),
                c -> ControlApiTest.loopback(
                        c, s -> s.withBootstrap(a.addresses()).withRelayService(true)));
        io.servent.p2p.testing.Await.until(
                Duration.ofSeconds(30),
                () -> a.network().dht().orElseThrow().routingTableSize() == 1
                        && b.network().dht().orElseThrow().routingTableSize() == 1
                        && a.network()
                                .pubsub()
                                .orElseThrow()
                                .peers()
                                .contains(b.host().peerId()),
                "the two daemons share the DHT and gossipsub");
        // A client streaming a topic when the daemon stops sees its stream end.
        java.net.http.HttpResponse<java.io.InputStream> stream = ApiCalls.http()
                .send(
                        ApiCalls.request(a, "pubsub/subscribe/t").GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        java.util.concurrent.CompletableFuture<byte[]> rest = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return stream.body().readAllBytes();
            } catch (java.io.IOException e) {
                return new byte[0];
            }
        });
        b.close();
        a.close();
        rest.get(20, TimeUnit.SECONDS);
        for (Daemon d : List.of(a, b)) {
            assertThat(d.network().isTerminated()).as("%s's services ended", d).isTrue();
            assertThat(d.host().liveThreadCount()).as("%s's host threads", d).isZero();
        }
    }

    @Test
    void servicesThatAreOffSaySoWith503() throws Exception {
        try (Daemon bare = Daemon.start(
                temp.resolve("bare"), c -> ControlApiTest.loopback(c).withServices(NetworkServicesConfig.none()))) {
            assertThat(ApiCalls.error(bare, "GET", "dht/stats", "", 503)).contains("[dht].enabled = false");
            assertThat(ApiCalls.error(bare, "GET", "pubsub/topics", "", 503)).contains("[pubsub].enabled = false");
            assertThat(ApiCalls.error(bare, "GET", "pubsub/subscribe/t", "", 503))
                    .contains("[pubsub].enabled = false");
            var network = ApiCalls.get(bare, "network");
            assertThat(network.get("dht").get("enabled").asBoolean()).isFalse();
            assertThat(network.get("dht").get("mode").isNull()).isTrue();
            assertThat(bare.host().protocols()).doesNotContain("/ipfs/kad/1.0.0", "/meshsub/1.1.0");
        }
    }

    @Test
    void aPortInUseIsExplainedAndNothingIsLeftBehind() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path dir = temp.resolve("d");
            Multiaddr busy = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + taken.getLocalPort());
            assertThatThrownBy(() ->
                            Daemon.start(dir, c -> c.withListen(List.of(busy)).withApiPort(0)))
                    .isInstanceOf(StartupException.class)
                    .hasMessage("cannot listen on " + busy
                            + ": address already in use (change [network].listen or pass --listen)");
            assertThat(dir.resolve("daemon.json")).doesNotExist();
            assertThatThrownBy(() ->
                            Daemon.start(dir, c -> ControlApiTest.loopback(c).withApiPort(taken.getLocalPort())))
                    .isInstanceOf(StartupException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + " (control API): address already in use (change [api].listen or pass --api-port)");
            // The lock was released each time: a good configuration starts.
            Daemon.start(dir, ControlApiTest::loopback).close();
        }
    }

    @Test
    void aBadConfigFileStopsTheStartWithTheKey() throws Exception {
        Path dir = temp.resolve("d");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("servent.toml"), "[limits]\nmax_connections = 0\n");
        assertThatThrownBy(() -> Daemon.start(dir, ControlApiTest::loopback))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("[limits].max_connections: must be a positive whole number, not 0");
        Files.writeString(dir.resolve("servent.toml"), "[limits]\nmax_connections = 10\n");
        try (Daemon fixed = Daemon.start(dir, ControlApiTest::loopback)) {
            assertThat(fixed.config().limits().maxConnections()).isEqualTo(10);
        }
    }

    @Test
    void yamuxFollowsTheHostLimits() {
        var limits = NodeConfig.defaults()
                .limits()
                .withMaxStreamsPerConnection(77)
                .withMaxBufferedBytesPerConnection(1 << 20);
        var yamux = Daemon.yamuxConfig(limits);
        assertThat(yamux.maxStreams()).isEqualTo(77);
        assertThat(yamux.maxConnectionWindow()).isEqualTo(1 << 20);
        assertThat(yamux.maxStreamWindow()).isEqualTo(1 << 20);
    }
}
