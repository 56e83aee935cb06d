package io.servent.p2p.host;

import static io.servent.p2p.host.TestHosts.ECHO;
import static io.servent.p2p.host.TestHosts.addressOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Direction;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PeerIdMismatchException;
import io.servent.p2p.api.ProtocolNotSupportedException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BasicHostTest {
    private final TestHosts hosts = new TestHosts();

    @AfterEach
    void close() {
        hosts.close();
    }

    @Test
    void connectsOverNoiseAndYamuxAndEchoes() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();

        Connection connection = b.connect(addressOf(a));

        assertThat(connection.remotePeer()).isEqualTo(a.peerId());
        assertThat(connection.securityProtocol()).isEqualTo("/noise");
        assertThat(connection.muxerProtocol()).isEqualTo("/yamux/1.0.0");
        assertThat(connection.direction()).isEqualTo(Direction.OUTBOUND);
        try (Stream stream = b.newStream(a.peerId(), ECHO)) {
            stream.out().write("hello servent".getBytes());
            stream.closeWrite();
            assertThat(new String(stream.in().readAllBytes())).isEqualTo("hello servent");
            assertThat(stream.protocol()).isEqualTo(ECHO);
        }
        Await.until(
                Duration.ofSeconds(5), () -> a.connections(b.peerId()).size() == 1, "a sees the inbound connection");
        assertThat(a.connections(b.peerId()).get(0).direction()).isEqualTo(Direction.INBOUND);
        assertThat(a.peerstore().publicKey(b.peerId())).contains(b.publicKey());
        assertThat(b.peerstore().addresses(a.peerId()))
                .contains(a.listenAddresses().get(0));
    }

    @Test
    void reusesAnOpenConnectionAndDialsKnownPeersById() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        Connection first = b.connect(addressOf(a));
        assertThat(b.connect(addressOf(a))).isSameAs(first);
        assertThat(b.connect(a.peerId())).isSameAs(first);

        first.close();
        Await.until(Duration.ofSeconds(5), () -> b.connections(a.peerId()).isEmpty(), "connection forgotten");
        Connection second = b.connect(a.peerId());
        assertThat(second).isNotSameAs(first);
        assertThat(second.isOpen()).isTrue();
    }

    @Test
    void manyConcurrentStreamsCarryTheirOwnData() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        b.connect(addressOf(a));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int seed = i;
            results.add(pool.submit(() -> {
                byte[] payload = new byte[32 * 1024 + seed];
                new Random(seed).nextBytes(payload);
                try (Stream stream = b.newStream(a.peerId(), ECHO)) {
                    stream.out().write(payload);
                    stream.closeWrite();
                    return MessageDigest.isEqual(stream.in().readAllBytes(), payload);
                }
            }));
        }
        for (Future<Boolean> result : results) {
            assertThat(result.get()).isTrue();
        }
        pool.shutdown();
    }

    @Test
    void dialingAnAddressThatProvesAnotherIdentityFails() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        PeerId someoneElse = PeerId.random();

        assertThatThrownBy(() -> b.connect(a.listenAddresses().get(0).withPeerId(someoneElse)))
                .isInstanceOf(PeerIdMismatchException.class)
                .hasMessageContaining(someoneElse.toString());
        assertThat(b.connections()).isEmpty();
        // Both hosts carry on.
        assertThat(b.connect(addressOf(a)).isOpen()).isTrue();
    }

    @Test
    void unknownProtocolsAreRefusedWithoutHarmingTheConnection() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        Connection connection = b.connect(addressOf(a));

        assertThatThrownBy(() -> connection.newStream("/nobody/speaks/this"))
                .isInstanceOf(ProtocolNotSupportedException.class);
        try (Stream stream = connection.newStream("/nobody/speaks/this", ECHO)) {
            assertThat(stream.protocol()).isEqualTo(ECHO);
        }
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void reportsPeerConnectedAndDisconnected() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        List<HostEvent> seenByA = new CopyOnWriteArrayList<>();
        a.subscribe(seenByA::add);

        b.connect(addressOf(a));
        Await.until(
                Duration.ofSeconds(5),
                () -> seenByA.stream()
                        .anyMatch(e -> e instanceof HostEvent.PeerConnected p
                                && p.peer().equals(b.peerId())),
                "PeerConnected at a");
        b.disconnect(a.peerId());
        Await.until(
                Duration.ofSeconds(5),
                () -> seenByA.stream()
                        .anyMatch(e -> e instanceof HostEvent.PeerDisconnected p
                                && p.peer().equals(b.peerId())),
                "PeerDisconnected at a");
    }

    @Test
    void refusesToDialItself() throws Exception {
        BasicHost a = hosts.start();
        assertThatThrownBy(() -> a.connect(addressOf(a)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("own PeerId");
    }

    @Test
    void dialingAPeerWithNoKnownAddressSaysSo() throws Exception {
        BasicHost a = hosts.start();
        PeerId stranger = PeerId.random();
        assertThatThrownBy(() -> a.connect(stranger))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no known dialable address for " + stranger);
    }

    @Test
    void aHandlerThatThrowsResetsOnlyItsStream() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        a.setStreamHandler("/test/boom/1.0.0", stream -> {
            throw new IllegalStateException("boom");
        });
        Connection connection = b.connect(addressOf(a));
        try (Stream boom = connection.newStream("/test/boom/1.0.0")) {
            assertThatThrownBy(() -> boom.in().readAllBytes()).isInstanceOf(IOException.class);
        }
        try (Stream echo = connection.newStream(ECHO)) {
            echo.out().write(1);
            echo.closeWrite();
            assertThat(echo.in().readAllBytes()).containsExactly(1);
        }
    }
}
