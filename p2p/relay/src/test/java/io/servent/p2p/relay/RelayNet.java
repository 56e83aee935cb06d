package io.servent.p2p.relay;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.Stream;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/** Real hosts on loopback (TCP + Noise + Yamux) for relay tests; closes them all afterwards. */
final class RelayNet implements AutoCloseable {
    static final String ECHO = "/test/echo/1.0.0";
    /** Reads everything, then answers with the byte count as 8 bytes. */
    static final String SINK = "/test/sink/1.0.0";

    static final Multiaddr LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");

    /** A host that can dial and listen on circuit addresses. */
    record Peer(BasicHost host, RelayTransport transport) {}

    record Relay(BasicHost host, RelayService service) {
        Multiaddr address() {
            return host.listenAddresses().get(0).withPeerId(host.peerId());
        }

        Multiaddr circuit() {
            return address().encapsulate(Multiaddr.parse("/p2p-circuit"));
        }
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();

    BasicHost host() throws IOException {
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults().withListenAddresses(List.of(LOOPBACK)))
                .build();
        closeables.add(host);
        host.setStreamHandler(ECHO, RelayNet::echo);
        host.setStreamHandler(SINK, RelayNet::sink);
        host.start();
        return host;
    }

    Relay relay(RelayConfig config) throws IOException {
        BasicHost host = host();
        RelayService service = new RelayService(host, config);
        closeables.add(service);
        return new Relay(host, service);
    }

    Peer peer() throws IOException {
        BasicHost host = host();
        RelayTransport transport = new RelayTransport(host);
        host.addTransport(transport);
        return new Peer(host, transport);
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

    static void sink(Stream stream) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = stream.in().read(buffer)) >= 0) {
            total += n;
        }
        stream.out().write(java.nio.ByteBuffer.allocate(8).putLong(total).array());
        stream.closeWrite();
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // Closing everything regardless.
            }
        }
    }
}
