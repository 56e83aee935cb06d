package io.servent.p2p.yamux;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.SecureConnection;
import io.servent.p2p.api.TransportListener;
import io.servent.p2p.tcp.TcpTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** Test fixture: two Yamux connections over real loopback TCP, dialer = client = initiator. */
final class YamuxPair implements AutoCloseable {
    static final PeerId CLIENT_ID = PeerId.random();
    static final PeerId SERVER_ID = PeerId.random();
    /** Buffers like the Noise layer's; tests that count memory pass 0. */
    static final int BUFFER = 128 * 1024;

    final YamuxConnection client;
    final YamuxConnection server;
    final Recorder clientEvents = new Recorder();
    final Recorder serverEvents = new Recorder();

    private YamuxPair(YamuxConnection client, YamuxConnection server) {
        this.client = client;
        this.server = server;
    }

    static YamuxPair open() throws Exception {
        return open(YamuxConfig.defaults(), YamuxConfig.defaults());
    }

    static YamuxPair open(YamuxConfig clientConfig, YamuxConfig serverConfig) throws Exception {
        return open(clientConfig, serverConfig, BUFFER, UnaryOperator.identity());
    }

    /** {@code wrap} may decorate each side's secure connection (e.g. to add latency). */
    static YamuxPair open(
            YamuxConfig clientConfig, YamuxConfig serverConfig, int buffer, UnaryOperator<SecureConnection> wrap)
            throws Exception {
        SecureConnection[] ends = connectedEnds(buffer);
        return start(wrap.apply(ends[0]), wrap.apply(ends[1]), clientConfig, serverConfig);
    }

    /** Puts Yamux on both ends of an existing connection and starts it. */
    static YamuxPair start(
            SecureConnection clientEnd,
            SecureConnection serverEnd,
            YamuxConfig clientConfig,
            YamuxConfig serverConfig) {
        YamuxConnection client = new YamuxMuxer(clientConfig).wrap(clientEnd, true);
        YamuxConnection server = new YamuxMuxer(serverConfig).wrap(serverEnd, false);
        YamuxPair pair = new YamuxPair(client, server);
        client.start(pair.clientEvents);
        server.start(pair.serverEvents);
        return pair;
    }

    /** A connected [client, server] pair of plain "secure" connections over loopback TCP. */
    static SecureConnection[] connectedEnds(int buffer) throws Exception {
        TcpTransport tcp = new TcpTransport();
        try (TransportListener listener = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))) {
            CompletableFuture<RawConnection> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            RawConnection dialed = tcp.dial(listener.address(), Duration.ofSeconds(5));
            RawConnection server = accepted.get(5, TimeUnit.SECONDS);
            return new SecureConnection[] {
                new PlainSecureConnection(dialed, CLIENT_ID, SERVER_ID, buffer),
                new PlainSecureConnection(server, SERVER_ID, CLIENT_ID, buffer)
            };
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
