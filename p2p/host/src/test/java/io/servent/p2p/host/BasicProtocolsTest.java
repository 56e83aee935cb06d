package io.servent.p2p.host;

import static io.servent.p2p.host.TestHosts.addressOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Stream;
import io.servent.p2p.identify.IdentifyService;
import io.servent.p2p.identify.proto.IdentifyProto;
import io.servent.p2p.perf.PerfResult;
import io.servent.p2p.perf.PerfService;
import io.servent.p2p.ping.PingService;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** identify, identify-push, ping and perf between two real hosts over TCP + Noise + Yamux. */
@Timeout(60)
class BasicProtocolsTest {
    private final TestHosts hosts = new TestHosts();
    private final List<AutoCloseable> services = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable s : services) {
            s.close();
        }
        hosts.close();
    }

    private <T extends AutoCloseable> T service(T s) {
        services.add(s);
        return s;
    }

    @Test
    void identifyTellsEachSideWhoTheOtherIs() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        service(new IdentifyService(a, "servent-test/a"));
        service(new IdentifyService(b, "servent-test/b"));
        List<HostEvent> seenByB = new CopyOnWriteArrayList<>();
        b.subscribe(seenByB::add);

        b.connect(addressOf(a));

        Await.until(
                Duration.ofSeconds(5),
                () -> b.peerstore().agentVersion(a.peerId()).isPresent(),
                "b identified a");
        Await.until(
                Duration.ofSeconds(5),
                () -> a.peerstore().agentVersion(b.peerId()).isPresent(),
                "a identified b");
        assertThat(b.peerstore().agentVersion(a.peerId())).contains("servent-test/a");
        assertThat(b.peerstore().protocolVersion(a.peerId())).contains(IdentifyService.DEFAULT_PROTOCOL_VERSION);
        assertThat(b.peerstore().protocols(a.peerId()))
                .contains(IdentifyService.PROTOCOL_ID, IdentifyService.PUSH_PROTOCOL_ID, TestHosts.ECHO);
        assertThat(b.peerstore().addresses(a.peerId()))
                .contains(a.listenAddresses().get(0));
        assertThat(a.peerstore().addresses(b.peerId()))
                .contains(b.listenAddresses().get(0));
        // The peerstore is filled before the event goes out, so the event may come a moment later.
        Await.until(
                Duration.ofSeconds(5),
                () -> seenByB.stream()
                        .anyMatch(e -> e instanceof HostEvent.PeerIdentified p
                                && p.peer().equals(a.peerId())),
                "b's PeerIdentified event for a");
    }

    @Test
    void identifyPushAnnouncesANewProtocol() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        service(new IdentifyService(a, "servent-test/a"));
        service(new IdentifyService(b, "servent-test/b"));
        b.connect(addressOf(a));
        Await.until(
                Duration.ofSeconds(5),
                () -> a.peerstore().protocols(b.peerId()).contains(IdentifyService.PUSH_PROTOCOL_ID),
                "a knows b accepts pushes");

        a.setStreamHandler("/test/new/1.0.0", stream -> {});

        Await.until(
                Duration.ofSeconds(5),
                () -> b.peerstore().protocols(a.peerId()).contains("/test/new/1.0.0"),
                "b learns a's new protocol by push");
    }

    @Test
    void anIdentifyAnswerOlderThanAPushDoesNotUndoIt() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        service(new IdentifyService(b, "servent-test/b"));
        // a answers identify by hand with what it was before its new protocol, and holds that
        // answer until after its push has reached b: the order a slow network can produce.
        CountDownLatch pushApplied = new CountDownLatch(1);
        a.setStreamHandler(IdentifyService.PROTOCOL_ID, stream -> {
            try {
                pushApplied.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            writeIdentify(stream, identify(a, "servent-test/a-stale", IdentifyService.PROTOCOL_ID));
        });
        b.connect(addressOf(a));

        try (Stream push = a.newStream(b.peerId(), IdentifyService.PUSH_PROTOCOL_ID)) {
            writeIdentify(push, identify(a, "servent-test/a", IdentifyService.PROTOCOL_ID, "/test/new/1.0.0"));
        }
        Await.until(
                Duration.ofSeconds(5),
                () -> b.peerstore().protocols(a.peerId()).contains("/test/new/1.0.0"),
                "b applied a's push");
        pushApplied.countDown();
        Await.until(
                Duration.ofSeconds(5),
                () -> b.peerstore().agentVersion(a.peerId()).equals(Optional.of("servent-test/a-stale")),
                "b applied a's late answer");

        assertThat(b.peerstore().protocols(a.peerId())).contains("/test/new/1.0.0");
    }

    private static IdentifyProto.Identify identify(BasicHost host, String agent, String... protocols) {
        return IdentifyProto.Identify.newBuilder()
                .setAgentVersion(agent)
                .setPublicKey(ByteString.copyFrom(host.publicKey().marshal()))
                .addAllProtocols(List.of(protocols))
                .build();
    }

    private static void writeIdentify(Stream stream, IdentifyProto.Identify message) throws IOException {
        LengthPrefixed.write(stream.out(), message.toByteArray());
        stream.out().flush();
        stream.closeWrite();
    }

    @Test
    void pingMeasuresRoundTripsAndRecordsLatency() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        service(new PingService(a));
        PingService ping = service(new PingService(b));
        b.connect(addressOf(a));

        List<Duration> rtts = ping.ping(a.peerId(), 5);

        assertThat(rtts).hasSize(5).allMatch(rtt -> rtt.compareTo(Duration.ofSeconds(1)) < 0 && !rtt.isNegative());
        assertThat(b.peerstore().latency(a.peerId())).isPresent();
    }

    @Test
    void perfMovesTheRequestedBytesBothWays() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        service(new PerfService(a));
        PerfService perf = service(new PerfService(b));
        b.connect(addressOf(a));

        PerfResult result = perf.run(a.peerId(), 8 << 20, 16 << 20);

        assertThat(result.uploadBytes()).isEqualTo(8 << 20);
        assertThat(result.downloadBytes()).isEqualTo(16 << 20);
        assertThat(result.downloadBytesPerSecond()).isPositive();
    }
}
