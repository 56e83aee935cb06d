package io.servent.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.Stream;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.identify.IdentifyService;
import io.servent.p2p.relay.RelayConfig;
import io.servent.p2p.relay.RelayLimit;
import io.servent.p2p.relay.RelayReservation;
import io.servent.p2p.relay.RelayService;
import io.servent.p2p.relay.RelayTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Circuit relay v2 against js-libp2p ({@code @libp2p/circuit-relay-v2}), in both roles: a servent
 * relay serving js peers (js reserves on it; servent and js dial through it) and a js relay
 * ({@code circuitRelayServer}) serving servent peers. Every relayed connection is upgraded with
 * Noise and Yamux end to end and carries echo streams checked byte for byte.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RelayInteropIT {
    private static final Multiaddr LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");
    private static final Multiaddr CIRCUIT = Multiaddr.parse("/p2p-circuit");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** A servent host with identify, an echo handler for js's echo protocol and the relay transport. */
    private record Servent(BasicHost host, RelayTransport relay) {
        Multiaddr address() {
            return host.listenAddresses().get(0).withPeerId(host.peerId());
        }
    }

    @AfterEach
    void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // Close the rest regardless.
            }
        }
    }

    private Servent servent() throws IOException {
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults().withListenAddresses(List.of(LOOPBACK)))
                .build();
        closeables.add(host);
        closeables.add(new IdentifyService(host, "servent-interop/relay"));
        host.setStreamHandler(JsPeer.ECHO_PROTOCOL, RelayInteropIT::echo);
        RelayTransport relay = new RelayTransport(host);
        host.addTransport(relay);
        host.start();
        return new Servent(host, relay);
    }

    private JsPeer js(String... services) {
        JsPeer peer = JsPeer.start(JsPeerConfig.defaults().withServices(services));
        closeables.add(peer);
        return peer;
    }

    private static List<String> jsListen(JsPeer peer, Multiaddr address) {
        JsonNode reply = peer.call("listen", Map.of("addr", address.toString()), TIMEOUT);
        List<String> out = new ArrayList<>();
        reply.path("addrs").forEach(a -> out.add(a.asText()));
        return out;
    }

    @Test
    void jsPeersReserveOnAServentRelayAndServentAndJsDialThem() throws Exception {
        Servent r = servent();
        RelayService service = new RelayService(r.host(), RelayConfig.defaults().withLimit(RelayLimit.NONE));
        closeables.add(service);
        JsPeer target = js("relay-client");
        JsPeer dialer = js("relay-client");
        Multiaddr circuit = r.address().encapsulate(CIRCUIT);

        List<String> advertised = jsListen(target, circuit);

        Multiaddr throughRelay = circuit.withPeerId(target.peerId());
        assertThat(advertised).contains(throughRelay.toString());
        assertThat(service.reservationExpiry(target.peerId())).isPresent();

        Servent s = servent();
        Connection toJs = s.host().connect(throughRelay);
        assertThat(toJs.remotePeer()).isEqualTo(target.peerId());
        assertThat(toJs.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT)).isTrue();
        assertThat(echo(toJs, 200_000)).isTrue();

        JsPeer.EchoResult viaServent = dialer.echo(throughRelay, 100_000, 3);
        assertThat(viaServent.streams()).isEqualTo(3);
        assertThat(service.circuitCount()).isEqualTo(2);
    }

    @Test
    void aJsPeerDialsAServentPeerThroughAServentRelay() throws Exception {
        Servent r = servent();
        closeables.add(new RelayService(r.host(), RelayConfig.defaults().withLimit(RelayLimit.NONE)));
        Servent target = servent();
        Multiaddr listening = target.host().listen(r.address().encapsulate(CIRCUIT));
        JsPeer dialer = js("relay-client");

        JsPeer.EchoResult result =
                dialer.echo(listening.withPeerId(target.host().peerId()), 150_000, 2);

        assertThat(result.streams()).isEqualTo(2);
        assertThat(target.host().connections(dialer.peerId()))
                .anySatisfy(c -> assertThat(c.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT))
                        .isTrue());
    }

    @Test
    void serventPeersMeetThroughAJsRelay() throws Exception {
        JsPeer relay = js("relay-server");
        Servent target = servent();
        Servent dialer = servent();
        Multiaddr circuit = relay.addr().encapsulate(CIRCUIT);

        Multiaddr listening = target.host().listen(circuit);

        assertThat(listening).isEqualTo(circuit);
        RelayReservation reservation =
                target.relay().reservation(relay.peerId()).orElseThrow();
        assertThat(reservation.voucherVerified())
                .as("js-libp2p's voucher verifies")
                .isTrue();
        assertThat(reservation.limit().data())
                .as("js-libp2p's default data limit")
                .isEqualTo(128 * 1024);
        assertThat(target.host().advertisedAddresses()).contains(circuit);

        Connection toTarget =
                dialer.host().connect(circuit.withPeerId(target.host().peerId()));
        assertThat(toTarget.remotePeer()).isEqualTo(target.host().peerId());
        assertThat(echo(toTarget, 20_000)).isTrue();
        Connection back = target.host().connections(dialer.host().peerId()).get(0);
        assertThat(back.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT)).isTrue();
        assertThat(echo(back, 20_000)).isTrue();
    }

    @Test
    void aJsPeerDialsAServentPeerThroughAJsRelay() throws Exception {
        JsPeer relay = js("relay-server");
        Servent target = servent();
        Multiaddr listening = target.host().listen(relay.addr().encapsulate(CIRCUIT));
        JsPeer dialer = js("relay-client");

        // The js relay limits circuits (128 KiB), so js marks the connection limited: dial only.
        JsPeer.JsConnection connection =
                dialer.dial(listening.withPeerId(target.host().peerId()));

        assertThat(connection.peer()).isEqualTo(target.host().peerId());
        assertThat(connection.remoteAddr()).contains("/p2p-circuit");
        assertThat(connection.encryption()).isEqualTo("/noise");
    }

    static void echo(Stream stream) throws IOException {
        InputStream in = stream.in();
        OutputStream out = stream.out();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
        stream.closeWrite();
    }

    /** Sends {@code size} random bytes on a new echo stream and checks they come back. */
    private static boolean echo(Connection connection, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        try (Stream stream = connection.newStream(JsPeer.ECHO_PROTOCOL)) {
            stream.setReadTimeout(TIMEOUT);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    stream.out().write(data);
                    stream.out().flush();
                    stream.closeWrite();
                } catch (IOException e) {
                    stream.reset();
                }
            });
            byte[] back = stream.in().readAllBytes();
            writer.join(TIMEOUT);
            return Arrays.equals(back, data);
        }
    }
}
