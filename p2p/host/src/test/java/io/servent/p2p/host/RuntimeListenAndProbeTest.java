package io.servent.p2p.host;

import static io.servent.p2p.host.TestHosts.ECHO;
import static io.servent.p2p.host.TestHosts.addressOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Stream;
import io.servent.p2p.testing.Await;
import io.servent.p2p.testing.MemoryNetwork;
import io.servent.p2p.testing.MemoryTransport;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The host additions the relay and AutoNAT need: transports and listeners added at run time, and probes. */
@Timeout(60)
class RuntimeListenAndProbeTest {
    private final TestHosts hosts = new TestHosts();

    @AfterEach
    void close() {
        hosts.close();
    }

    @Test
    void aTransportAddedAtRunTimeListensDialsAndAnnouncesItsAddress() throws Exception {
        MemoryNetwork network = new MemoryNetwork();
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        List<HostEvent> events = new CopyOnWriteArrayList<>();
        a.subscribe(events::add);
        assertThatThrownBy(() -> a.listen(MemoryNetwork.address(0))).hasMessageContaining("no transport can listen");

        a.addTransport(new MemoryTransport(network));
        b.addTransport(new MemoryTransport(network));
        Multiaddr bound = a.listen(MemoryNetwork.address(0));

        assertThat(a.listenAddresses()).hasSize(2).contains(bound);
        Await.until(
                Duration.ofSeconds(5),
                () -> events.stream()
                        .anyMatch(e -> e instanceof HostEvent.LocalAddressesChanged c
                                && c.addresses().contains(bound)),
                "the new address is announced");
        try (Stream stream = b.connect(bound.withPeerId(a.peerId())).newStream(ECHO)) {
            stream.out().write(7);
            stream.closeWrite();
            assertThat(stream.in().readAllBytes()).containsExactly(7);
            assertThat(stream.connection().remoteAddress()).isEqualTo(bound);
        }
    }

    @Test
    void aProbeProvesTheAddressWithoutKeepingAConnection() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        b.connect(addressOf(a));

        b.probe(addressOf(a));

        assertThat(b.connections(a.peerId())).hasSize(1);
        Await.until(Duration.ofSeconds(5), () -> a.connections(b.peerId()).size() == 1, "a drops the probe");
    }

    @Test
    void newStreamsUseTheBusierConnectionNotANewIdleOne() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        io.servent.p2p.api.Connection busy = b.connect(addressOf(a));
        try (Stream open = busy.newStream(ECHO)) {
            // Without /p2p/ the host cannot reuse a connection: a second one opens, as a probe's would.
            io.servent.p2p.api.Connection idle = b.connect(a.listenAddresses().get(0));
            assertThat(idle.id()).isNotEqualTo(busy.id());
            assertThat(b.connections(a.peerId())).hasSize(2);
            try (Stream next = b.newStream(a.peerId(), ECHO)) {
                assertThat(next.connection().id()).isEqualTo(busy.id());
            }
            open.closeWrite();
        }
    }

    @Test
    void aProbeFailsWhereNothingListensOrAnotherPeerAnswers() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Multiaddr nothing = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + closedPort).withPeerId(a.peerId());
        PeerId stranger = Ed25519PrivateKey.generate().publicKey().peerId();

        assertThatThrownBy(() -> b.probe(nothing)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> b.probe(a.listenAddresses().get(0).withPeerId(stranger)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> b.probe(a.listenAddresses().get(0))).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.connections()).isEmpty();
    }
}
