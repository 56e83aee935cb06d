package io.servent.p2p.host;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Starts hosts for a test and closes them all afterwards. */
final class TestHosts implements AutoCloseable {
    static final String ECHO = "/test/echo/1.0.0";
    static final Multiaddr LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");

    private final List<BasicHost> hosts = new ArrayList<>();

    BasicHost start() throws IOException {
        return start(config -> config);
    }

    BasicHost start(UnaryOperator<HostConfig> configure) throws IOException {
        return start(BasicHost.builder(Ed25519PrivateKey.generate())
                .config(configure.apply(HostConfig.defaults().withListenAddresses(List.of(LOOPBACK)))));
    }

    BasicHost start(BasicHostBuilder builder) throws IOException {
        BasicHost host = builder.build();
        hosts.add(host);
        host.setStreamHandler(ECHO, TestHosts::echo);
        host.start();
        return host;
    }

    static Multiaddr addressOf(BasicHost host) {
        return host.listenAddresses().get(0).withPeerId(host.peerId());
    }

    static void echo(Stream stream) throws IOException {
        InputStream in = stream.in();
        OutputStream out = stream.out();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
        stream.closeWrite();
    }

    @Override
    public void close() {
        hosts.forEach(BasicHost::close);
    }
}
