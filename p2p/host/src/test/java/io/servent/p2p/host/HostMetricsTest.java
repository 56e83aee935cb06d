package io.servent.p2p.host;

import static io.servent.p2p.host.TestHosts.addressOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Direction;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Stream;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final TestHosts hosts = new TestHosts();

    @AfterEach
    void close() {
        hosts.close();
    }

    private static HostMetrics.ProtocolTraffic traffic(BasicHost host, String protocol) {
        return host.metrics().protocolTraffic().stream()
                .filter(t -> t.protocol().equals(protocol))
                .findFirst()
                .orElse(new HostMetrics.ProtocolTraffic(protocol, 0, 0, 0, 0));
    }

    @Test
    void streamPayloadIsCountedPerProtocolOnBothSides() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        byte[] payload = new byte[100_000];
        Arrays.fill(payload, (byte) 7);
        try (Stream s = b.connect(addressOf(a)).newStream(TestHosts.ECHO)) {
            s.out().write(payload);
            s.out().flush();
            s.closeWrite();
            assertThat(s.in().readAllBytes()).hasSize(payload.length);
        }
        HostMetrics.ProtocolTraffic client = traffic(b, TestHosts.ECHO);
        assertThat(client.bytesOut()).isEqualTo(payload.length);
        assertThat(client.bytesIn()).isEqualTo(payload.length);
        assertThat(client.outboundStreams()).isEqualTo(1);
        assertThat(client.inboundStreams()).isZero();
        Await.until(WAIT, () -> traffic(a, TestHosts.ECHO).bytesOut() == payload.length, "the echo side counted");
        assertThat(traffic(a, TestHosts.ECHO).bytesIn()).isEqualTo(payload.length);
        assertThat(traffic(a, TestHosts.ECHO).inboundStreams()).isEqualTo(1);
        assertThat(b.metrics().bytesOut()).isGreaterThanOrEqualTo(payload.length);
        assertThat(b.metrics().bytesIn()).isGreaterThanOrEqualTo(payload.length);
    }

    @Test
    void failedHandshakesAreCountedByReason() throws Exception {
        BasicHost a = hosts.start();
        BasicHost b = hosts.start();
        assertThatThrownBy(() -> b.connect(a.listenAddresses().get(0).withPeerId(PeerId.random())))
                .isInstanceOf(IOException.class);
        assertThat(b.metrics().handshakeFailures(Direction.OUTBOUND, HostMetrics.HandshakeFailure.PEER_ID_MISMATCH))
                .isEqualTo(1);

        // A client that speaks no multistream at all: the inbound side counts a protocol violation.
        int port = a.listenAddresses().get(0).toTcpSocketAddress().orElseThrow().getPort();
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = raw.getOutputStream();
            out.write("\u0013not multistream at all\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            raw.setSoTimeout(10_000);
            while (raw.getInputStream().read() >= 0) {
                // drain until the host hangs up
            }
        }
        Await.until(
                WAIT,
                () -> a.metrics().handshakeFailures(Direction.INBOUND, HostMetrics.HandshakeFailure.PROTOCOL_VIOLATION)
                        == 1,
                "the inbound protocol violation is counted");
    }

    @Test
    void dialFailuresAndRefusalsAreCounted() throws Exception {
        BasicHost a = hosts.start(c -> c.withLimits(c.limits().withMaxInboundConnectionsPerIp(1)));
        BasicHost b = hosts.start();
        BasicHost c = hosts.start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> b.connect(io.servent.p2p.api.Multiaddr.parse("/ip4/127.0.0.1/tcp/" + closedPort)))
                .isInstanceOf(IOException.class);
        assertThat(b.metrics().dialFailures(HostMetrics.DialFailure.REFUSED)).isEqualTo(1);

        b.connect(addressOf(a));
        assertThatThrownBy(() -> c.connect(addressOf(a))).isInstanceOf(IOException.class);
        assertThat(a.metrics().refusals(HostMetrics.Refusal.CONNECTIONS_PER_IP)).isEqualTo(1);
    }

    @Test
    void protocolKeysAreBounded() {
        HostMetrics metrics = new HostMetrics();
        for (int i = 0; i < HostMetrics.MAX_PROTOCOLS + 50; i++) {
            metrics.streamOpened("/p/" + i, Direction.INBOUND, InputStreamNull.IN, OutputStream.nullOutputStream());
        }
        assertThat(metrics.protocolTraffic()).hasSizeLessThanOrEqualTo(HostMetrics.MAX_PROTOCOLS + 1);
        assertThat(metrics.protocolTraffic())
                .anySatisfy(t -> assertThat(t.protocol()).isEqualTo(HostMetrics.OTHER_PROTOCOL));
    }

    private static final class InputStreamNull {
        static final java.io.InputStream IN = java.io.InputStream.nullInputStream();
    }
}
