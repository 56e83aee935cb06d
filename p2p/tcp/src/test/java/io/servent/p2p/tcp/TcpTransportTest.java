package io.servent.p2p.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.TransportListener;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class TcpTransportTest {
    private final TcpTransport transport = new TcpTransport();

    @ParameterizedTest
    @ValueSource(strings = {"/ip4/127.0.0.1/tcp/0", "/ip6/::1/tcp/0"})
    void dialsAndAcceptsOnAnEphemeralPort(String listenAddress) throws Exception {
        try (TransportListener listener = transport.listen(Multiaddr.parse(listenAddress))) {
            assertThat(listener.address().toTcpSocketAddress().orElseThrow().getPort())
                    .isPositive();
            CompletableFuture<RawConnection> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (RawConnection dialed = transport.dial(listener.address(), Duration.ofSeconds(5));
                    RawConnection server = accepted.get(5, TimeUnit.SECONDS)) {
                dialed.out().write("hello".getBytes());
                assertThat(server.in().readNBytes(5)).isEqualTo("hello".getBytes());
                assertThat(server.remoteAddress()).isEqualTo(dialed.localAddress());
                assertThat(dialed.remoteAddress()).isEqualTo(listener.address());
            }
        }
    }

    @Test
    void readTimeoutFiresAndConnectionStaysUsable() throws Exception {
        try (TransportListener listener = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
                RawConnection dialed = transport.dial(listener.address(), Duration.ofSeconds(5));
                RawConnection server = listener.accept()) {
            dialed.setReadTimeout(Duration.ofMillis(50));
            assertThatThrownBy(() -> dialed.in().read()).isInstanceOf(SocketTimeoutException.class);
            server.out().write(7);
            assertThat(dialed.in().read()).isEqualTo(7);
        }
    }

    @Test
    void closingTheListenerUnblocksAccept() throws Exception {
        TransportListener listener = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
            try {
                listener.accept();
                return new AssertionError("accept returned");
            } catch (IOException e) {
                return e;
            }
        });
        Thread.onSpinWait();
        listener.close();
        assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    }

    @Test
    void dialToAClosedPortFailsWithTheAddressInTheMessage() throws Exception {
        Multiaddr address;
        try (TransportListener listener = transport.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))) {
            address = listener.address();
        }
        assertThatThrownBy(() -> transport.dial(address, Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(address.toString());
    }

    @Test
    void acceptsOnlyPlainTcpAddresses() {
        assertThat(transport.canDial(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"))).isTrue();
        assertThat(transport.canDial(
                        Multiaddr.parse("/ip6/::1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")))
                .isTrue();
        assertThat(transport.canDial(Multiaddr.parse("/ip4/1.2.3.4/udp/1/quic-v1")))
                .isFalse();
        assertThat(transport.canDial(Multiaddr.parse("/ip4/1.2.3.4/tcp/1/ws"))).isFalse();
        assertThat(transport.canDial(Multiaddr.parse("/dns4/example.com/tcp/1")))
                .isFalse();
        assertThatThrownBy(() -> transport.dial(Multiaddr.parse("/ip4/1.2.3.4/udp/1"), Duration.ofSeconds(1)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot use");
    }
}
