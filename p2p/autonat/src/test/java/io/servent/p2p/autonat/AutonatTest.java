package io.servent.p2p.autonat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Stream;
import io.servent.p2p.autonat.proto.AutonatProto;
import io.servent.p2p.autonat.proto.AutonatProto.Message.ResponseStatus;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** AutoNAT v1 between real hosts on loopback (TCP + Noise + Yamux). */
@Timeout(60)
class AutonatTest {
    private static final Multiaddr LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicInteger dialBacks = new AtomicInteger();

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private BasicHost host() throws IOException {
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults()
                        .withListenAddresses(List.of(LOOPBACK))
                        .withDialTimeout(Duration.ofSeconds(3)))
                .build();
        closeables.add(host);
        host.start();
        return host;
    }

    private BasicHost server(AutonatConfig config) throws IOException {
        BasicHost host = host();
        closeables.add(new AutonatService(host, config, address -> {
            dialBacks.incrementAndGet();
            host.probe(address);
        }));
        return host;
    }

    private List<BasicHost> servers(int count) throws IOException {
        List<BasicHost> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(server(AutonatConfig.defaults()));
        }
        return out;
    }

    private static Multiaddr addressOf(BasicHost host) {
        return host.listenAddresses().get(0).withPeerId(host.peerId());
    }

    @Test
    void aReachablePeerIsConfirmedPublic() throws Exception {
        List<BasicHost> servers = servers(3);
        BasicHost client = host();
        for (BasicHost s : servers) {
            client.connect(addressOf(s));
        }
        AutonatClient autonat =
                new AutonatClient(client, AutonatConfig.defaults().withConfirmations(3));
        closeables.add(autonat);
        List<Reachability> seen = new CopyOnWriteArrayList<>();
        autonat.addListener(seen::add);

        assertThat(autonat.checkNow()).isEqualTo(Reachability.PUBLIC);

        assertThat(seen).containsExactly(Reachability.PUBLIC);
        assertThat(dialBacks).hasValue(3);
        for (BasicHost s : servers) {
            assertThat(s.connections(client.peerId()))
                    .as("dial-backs leave no connection behind")
                    .hasSize(1);
        }
    }

    @Test
    void aPeerWhoseAddressesCannotBeDialedBackIsPrivate() throws Exception {
        List<BasicHost> servers = servers(3);
        BasicHost client = host();
        for (BasicHost s : servers) {
            client.connect(addressOf(s));
        }
        Multiaddr nothingListens = closedPort();
        AutonatClient autonat =
                new AutonatClient(client, AutonatConfig.defaults().withConfirmations(3), () -> List.of(nothingListens));
        closeables.add(autonat);

        assertThat(autonat.checkNow()).isEqualTo(Reachability.PRIVATE);
        assertThat(dialBacks).hasValue(3);
    }

    @Test
    void theClientRechecksPeriodicallyAndReportsChanges() throws Exception {
        List<BasicHost> servers = servers(2);
        BasicHost client = host();
        for (BasicHost s : servers) {
            client.connect(addressOf(s));
        }
        Multiaddr nothingListens = closedPort();
        List<Multiaddr> advertised = new CopyOnWriteArrayList<>(List.of(nothingListens));
        AutonatClient autonat = new AutonatClient(
                client,
                AutonatConfig.defaults()
                        .withConfirmations(2)
                        .withIntervals(Duration.ofMillis(100), Duration.ofMillis(100)),
                () -> advertised);
        closeables.add(autonat);
        List<Reachability> seen = new CopyOnWriteArrayList<>();
        autonat.addListener(seen::add);

        autonat.start();
        Await.until(WAIT, () -> autonat.reachability() == Reachability.PRIVATE, "the client finds itself private");
        advertised.set(0, client.listenAddresses().get(0));
        Await.until(WAIT, () -> autonat.reachability() == Reachability.PUBLIC, "a later round finds it public");

        assertThat(seen).containsExactly(Reachability.PRIVATE, Reachability.PUBLIC);
    }

    @Test
    void badRequestsAreRejected() throws Exception {
        BasicHost server = server(AutonatConfig.defaults());
        BasicHost client = host();
        client.connect(addressOf(server));
        Multiaddr mine = client.listenAddresses().get(0);

        assertThat(status(client, server, new byte[] {(byte) 0xff, 0x01})).isEqualTo(ResponseStatus.E_BAD_REQUEST);
        assertThat(status(
                        client,
                        server,
                        AutonatProto.Message.newBuilder()
                                .setType(AutonatProto.Message.MessageType.DIAL_RESPONSE)
                                .build()
                                .toByteArray()))
                .isEqualTo(ResponseStatus.E_BAD_REQUEST);
        assertThat(status(client, server, dial(PeerId.random(), mine)))
                .as("another peer's id")
                .isEqualTo(ResponseStatus.E_BAD_REQUEST);
        assertThat(status(client, server, dial(client.peerId(), Multiaddr.parse("/ip4/127.0.0.2/tcp/4001"))))
                .as("an address on another IP than the requester's")
                .isEqualTo(ResponseStatus.E_DIAL_REFUSED);
        assertThat(status(client, server, dial(client.peerId(), Multiaddr.parse("/ip4/127.0.0.1/udp/4001/quic-v1"))))
                .isEqualTo(ResponseStatus.E_DIAL_REFUSED);
        assertThat(dialBacks).as("nothing was dialed").hasValue(0);
        try (Stream stream = client.newStream(server.peerId(), AutonatService.PROTOCOL_ID)) {
            stream.setReadTimeout(Duration.ofSeconds(10));
            io.servent.p2p.api.Varint.write(1_000_000, stream.out());
            stream.out().flush();
            assertThat(readResponse(stream).getStatus()).as("oversized").isEqualTo(ResponseStatus.E_BAD_REQUEST);
        }
    }

    @Test
    void requestsBeyondTheRateLimitAreRefused() throws Exception {
        BasicHost server = server(AutonatConfig.defaults().withRateLimits(Duration.ofMinutes(1), 10, 2));
        BasicHost client = host();
        BasicHost other = host();
        client.connect(addressOf(server));
        other.connect(addressOf(server));

        assertThat(status(
                        client,
                        server,
                        dial(client.peerId(), client.listenAddresses().get(0))))
                .isEqualTo(ResponseStatus.OK);
        assertThat(status(client, server, dial(client.peerId(), closedPort()))).isEqualTo(ResponseStatus.E_DIAL_ERROR);
        assertThat(status(
                        client,
                        server,
                        dial(client.peerId(), client.listenAddresses().get(0))))
                .isEqualTo(ResponseStatus.E_DIAL_REFUSED);
        assertThat(status(
                        other,
                        server,
                        dial(other.peerId(), other.listenAddresses().get(0))))
                .as("another peer still has its quota")
                .isEqualTo(ResponseStatus.OK);
    }

    private static Multiaddr closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Multiaddr.parse("/ip4/127.0.0.1/tcp/" + socket.getLocalPort());
        }
    }

    private static byte[] dial(PeerId peer, Multiaddr address) {
        return AutonatProto.Message.newBuilder()
                .setType(AutonatProto.Message.MessageType.DIAL)
                .setDial(AutonatProto.Message.Dial.newBuilder()
                        .setPeer(AutonatProto.Message.PeerInfo.newBuilder()
                                .setId(ByteString.copyFrom(peer.bytes()))
                                .addAddrs(ByteString.copyFrom(address.bytes()))))
                .build()
                .toByteArray();
    }

    private static ResponseStatus status(BasicHost from, BasicHost server, byte[] request) throws IOException {
        try (Stream stream = from.newStream(server.peerId(), AutonatService.PROTOCOL_ID)) {
            stream.setReadTimeout(Duration.ofSeconds(20));
            LengthPrefixed.write(stream.out(), request);
            stream.out().flush();
            return readResponse(stream).getStatus();
        }
    }

    private static AutonatProto.Message.DialResponse readResponse(Stream stream) throws IOException {
        AutonatProto.Message message = AutonatProto.Message.parseFrom(
                LengthPrefixed.readRequired(stream.in(), AutonatMessages.MAX_MESSAGE_SIZE));
        assertThat(message.getType()).isEqualTo(AutonatProto.Message.MessageType.DIAL_RESPONSE);
        return message.getDialResponse();
    }
}
