package io.servent.p2p.mdns;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A servent peer for {@link MdnsNamespaceIT}, run as its own process inside a network namespace: a
 * host listening on every address (TCP, Noise, Yamux) with mDNS on the standard port 5353 and
 * auto-connect on. It prints {@code @mdns ready|discovered|connected …} lines on stdout and stops
 * when stdin closes.
 *
 * <p>Arguments: {@code <interface> <ipv4 true|false> <ipv6 true|false>}.
 */
public final class MdnsNamespacePeer {
    private MdnsNamespacePeer() {}

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        MdnsConfig config = MdnsConfig.defaults()
                .withInterfaces(List.of(args[0]))
                .withIpv4(Boolean.parseBoolean(args[1]))
                .withIpv6(Boolean.parseBoolean(args[2]))
                .withQueryInterval(Duration.ofSeconds(2))
                .withAutoConnect(true);
        HostConfig hostConfig = HostConfig.defaults()
                .withListenAddresses(List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0"), Multiaddr.parse("/ip6/::/tcp/0")));
        try (BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(hostConfig)
                .build()) {
            host.subscribe(event -> {
                if (event instanceof HostEvent.PeerConnected c) {
                    out.println(
                            "@mdns connected " + c.peer() + " " + c.connection().remoteAddress());
                }
            });
            host.start();
            try (MdnsDiscovery mdns = new MdnsDiscovery(host, config)) {
                mdns.subscribe(peer -> out.println("@mdns discovered " + peer.peer() + " "
                        + peer.addresses().stream().map(Multiaddr::toString).collect(Collectors.joining(","))));
                mdns.start();
                out.println("@mdns ready " + host.peerId() + " " + mdns.peerName());
                while (System.in.read() >= 0) {
                    // Runs until the test closes stdin.
                }
            }
        }
    }
}
