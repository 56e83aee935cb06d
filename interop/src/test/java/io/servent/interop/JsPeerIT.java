package io.servent.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.interop.JsPeer.EchoResult;
import io.servent.interop.JsPeer.Identify;
import io.servent.interop.JsPeer.PerfResult;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves the harness itself: two js-libp2p peers started through {@link JsPeer} ping, identify and
 * echo to each other and run the perf protocol. The perf numbers are the js→js reference for our
 * benchmarks.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsPeerIT {
    private static final Logger log = LoggerFactory.getLogger(JsPeerIT.class);
    private static final long MIB = 1024 * 1024;

    private JsPeer a;
    private JsPeer b;

    @BeforeAll
    void startPeers() {
        a = JsPeer.start();
        b = JsPeer.start(JsPeerConfig.defaults().withIp6(true).withAgent("servent-interop/test-b"));
    }

    @AfterAll
    void stopPeers() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void startsWithTheKeyItIsGiven() {
        Ed25519PrivateKey key = Ed25519PrivateKey.generate();
        try (JsPeer peer = JsPeer.start(JsPeerConfig.defaults().withPrivateKey(key))) {
            // js-libp2p derives the same PeerId and key encoding from the key as p2p/api does.
            assertThat(peer.peerId()).isEqualTo(PeerId.fromPublicKey(key.publicKey()));
            assertThat(peer.publicKey().marshal()).isEqualTo(key.publicKey().marshal());
            assertThat(peer.addr().peerId()).contains(peer.peerId());
            assertThat(peer.addr().valueOf(MultiaddrProtocol.IP4)).contains("127.0.0.1");
            assertThat(peer.protocols())
                    .contains(
                            JsPeer.ECHO_PROTOCOL,
                            JsPeer.PERF_PROTOCOL,
                            JsPeer.PING_PROTOCOL,
                            "/ipfs/id/1.0.0",
                            "/ipfs/id/push/1.0.0");
            assertThat(peer.versions().path("libp2p").asText()).startsWith("3.");
            assertThat(peer.versions().path("node").asText()).startsWith("22.");
        }
    }

    @Test
    void listensOnIp6WhenAsked() {
        assertThat(b.addrs()).anySatisfy(addr -> assertThat(addr.valueOf(MultiaddrProtocol.IP6))
                .contains("::1"));
        assertThat(a.addrs()).noneMatch(addr -> addr.has(MultiaddrProtocol.IP6));
    }

    @Test
    void pingEachOther() {
        List<Double> ab = a.ping(b.addr(), 3);
        assertThat(ab).hasSize(3).allSatisfy(rtt -> assertThat(rtt).isBetween(0.0, 5_000.0));
        assertThat(b.peers()).contains(a.peerId());

        List<Double> ba = b.pingOnOneStream(a.addr(), 5);
        assertThat(ba).hasSize(5).allSatisfy(rtt -> assertThat(rtt).isBetween(0.0, 5_000.0));
        assertThat(b.ping(a.peerId(), 1)).hasSize(1);
        log.info("js→js ping rtt (ms): one stream each {}, one stream for all {}", ab, ba);
    }

    @Test
    void identifyEachOther() {
        a.dial(b.addr());
        Identify ofB = a.identify(b.peerId());
        assertThat(ofB.peer()).isEqualTo(b.peerId());
        assertThat(ofB.agentVersion()).isEqualTo("servent-interop/test-b");
        assertThat(ofB.protocolVersion()).isEqualTo("ipfs/0.1.0");
        assertThat(ofB.protocols()).containsAll(b.protocols());
        assertThat(ofB.publicKey()).contains(b.publicKey());
        String bTcp = b.addr().toString().replace("/p2p/" + b.peerId(), "");
        assertThat(ofB.listenAddrs()).contains(bTcp);
        assertThat(ofB.observedAddr()).startsWith("/ip4/127.0.0.1/tcp/");

        Identify ofA = b.identifyNow(a.peerId());
        assertThat(ofA.peer()).isEqualTo(a.peerId());
        assertThat(ofA.agentVersion()).startsWith("js-libp2p/3.");
        assertThat(ofA.publicKey()).contains(a.publicKey());

        // A new protocol on b reaches a by identify push.
        String extra = "/servent-test/push/1.0.0";
        assertThat(b.handle(extra)).contains(extra);
        JsonNode pushed = a.awaitEvent(
                "identify",
                e -> e.path("peer").asText().equals(b.peerId().toString())
                        && e.path("protocols").toString().contains(extra),
                Duration.ofSeconds(20));
        assertThat(pushed.path("agentVersion").asText()).isEqualTo("servent-interop/test-b");
        assertThat(b.unhandle(extra)).doesNotContain(extra);
    }

    @Test
    void echoOnAHundredConcurrentStreams() {
        int before = b.events("echo-served").size();
        EchoResult r = a.echo(b.addr(), 64 * 1024, 100);
        assertThat(r.streams()).isEqualTo(100);
        assertThat(r.sha256()).hasSize(100);
        assertThat(new HashSet<>(r.sha256())).hasSize(100); // random payloads, so all differ
        // b served each stream and saw every byte.
        List<JsonNode> served = b.awaitEvents(
                "echo-served",
                e -> e.path("peer").asText().equals(a.peerId().toString()),
                before + 100,
                Duration.ofSeconds(30));
        assertThat(served.subList(before, before + 100))
                .allSatisfy(e -> assertThat(e.path("bytes").asLong()).isEqualTo(64 * 1024));
        log.info("js→js echo: 100 streams × 64 KiB in {} ms", Math.round(r.millis()));

        EchoResult lazy = a.echo(
                JsPeer.options("peer", b.peerId().toString(), "bytes", 1000, "streams", 10, "lazy", true),
                JsPeer.DEFAULT_COMMAND_TIMEOUT);
        assertThat(lazy.sha256()).hasSize(10);
    }

    @Test
    void perfTransfersAQuarterGibibyteEachWay() {
        Duration timeout = Duration.ofMinutes(2);
        long size = 256 * MIB;
        // Warm up the JIT on both sides first: the first transfers run far slower.
        a.perf(b.addr(), 16 * MIB, 16 * MIB, timeout);

        PerfResult down = a.perf(b.addr(), 0, size, timeout);
        assertThat(down.download()).isEqualTo(size);
        PerfResult up = a.perf(b.addr(), size, 0, timeout);
        assertThat(up.upload()).isEqualTo(size);
        JsonNode served = b.awaitEvent("perf-served", e -> e.path("uploaded").asLong() == size, Duration.ofSeconds(30));
        assertThat(served.path("downloaded").asLong()).isZero();
        JsonNode servedDown =
                b.awaitEvent("perf-served", e -> e.path("downloaded").asLong() == size, Duration.ofSeconds(30));
        assertThat(servedDown.path("uploaded").asLong()).isZero();

        // Wall-clock rates depend on what else the machine runs; MB per CPU-second does much less.
        log.info(
                "js→js perf, 256 MiB over TCP+Noise+Yamux on loopback: download {} MB/s ({} ms; receiver {} MB/cpu-s,"
                        + " sender {} MB/cpu-s), upload {} MB/s ({} ms; sender {} MB/cpu-s, receiver {} MB/cpu-s)",
                Math.round(down.downloadMBps()),
                Math.round(down.downloadMs()),
                Math.round(size / 1e3 / down.cpuMs()),
                Math.round(size / 1e3 / servedDown.path("cpuMs").asDouble()),
                Math.round(up.uploadMBps()),
                Math.round(up.uploadMs()),
                Math.round(size / 1e3 / up.cpuMs()),
                Math.round(size / 1e3 / served.path("cpuMs").asDouble()));
    }

    @Test
    void aFailedCommandIsAnErrorReplyAndThePeerCarriesOn() {
        assertThatThrownBy(() -> a.call("no-such-command", Map.of(), JsPeer.DEFAULT_COMMAND_TIMEOUT))
                .isInstanceOf(JsPeerException.class)
                .hasMessageContaining("unknown command");
        // Nothing listens on port 1.
        Multiaddr closed = Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p/" + b.peerId());
        assertThatThrownBy(() -> a.ping(closed, 1))
                .isInstanceOf(JsPeerException.class)
                .hasMessageContaining("ECONNREFUSED");
        assertThatThrownBy(() -> a.identifyNow(PeerId.random()))
                .isInstanceOf(JsPeerException.class)
                .hasMessageContaining("no open connection");
        assertThat(a.ping(b.addr(), 1)).hasSize(1);
    }

    @Test
    void theOtherLibp2pServicesLoadTogether() {
        // mdns is left out: it multicasts beyond loopback.
        try (JsPeer peer = JsPeer.start(JsPeerConfig.defaults().withServices("kad-dht", "gossipsub", "relay-server"))) {
            assertThat(peer.protocols())
                    .contains("/ipfs/kad/1.0.0", "/meshsub/1.1.0", "/libp2p/circuit/relay/0.2.0/hop");
            assertThat(peer.ping(a.addr(), 1)).hasSize(1);
        }
    }

    @Test
    void closeEndsTheProcess() {
        JsPeer peer = JsPeer.start();
        ProcessHandle handle = ProcessHandle.of(peer.pid()).orElseThrow();
        peer.close();
        assertThat(handle.isAlive()).isFalse();
        assertThat(peer.isAlive()).isFalse();
        assertThatThrownBy(() -> peer.peers()).isInstanceOf(JsPeerException.class);
    }
}
