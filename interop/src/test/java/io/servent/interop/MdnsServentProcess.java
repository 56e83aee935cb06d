package io.servent.interop;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.identify.IdentifyService;
import io.servent.p2p.mdns.MdnsConfig;
import io.servent.p2p.mdns.MdnsDiscovery;
import io.servent.p2p.ping.PingService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The servent side of {@link MdnsInteropIT}, run as its own process inside a network namespace: a
 * host on every IPv4 address with identify and ping, and mDNS with default settings on one
 * interface. It prints {@code @servent ready|discovered|connected|pinged|ping-failed …} lines on
 * stdout, takes {@code ping <peerId>} commands on stdin, and stops when stdin closes.
 *
 * <p>Arguments: {@code <interface> <autoConnect true|false>}.
 */
public final class MdnsServentProcess {
    private MdnsServentProcess() {}

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        MdnsConfig config = MdnsConfig.defaults()
                .withInterfaces(List.of(args[0]))
                .withAutoConnect(Boolean.parseBoolean(args[1]))
                .withQueryInterval(Duration.ofSeconds(1));
        HostConfig hostConfig =
                HostConfig.defaults().withListenAddresses(List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/0")));
        try (BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                        .config(hostConfig)
                        .build();
                IdentifyService identify = new IdentifyService(host, ServentPeer.AGENT)) {
            PingService ping = new PingService(host);
            host.subscribe(event -> {
                if (event instanceof HostEvent.PeerConnected c) {
                    out.println("@servent connected " + c.peer() + " "
                            + c.connection().remoteAddress() + " "
                            + c.connection().direction());
                }
            });
            host.start();
            try (MdnsDiscovery mdns = new MdnsDiscovery(host, config)) {
                mdns.subscribe(peer -> out.println("@servent discovered " + peer.peer() + " "
                        + peer.addresses().stream().map(Multiaddr::toString).collect(Collectors.joining(","))));
                mdns.start();
                out.println("@servent ready " + host.peerId() + " "
                        + identify.getClass().getSimpleName());
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    String[] words = line.trim().split(" ");
                    if (words.length == 2 && words[0].equals("ping")) {
                        PeerId peer = PeerId.parse(words[1]);
                        try {
                            Duration rtt = ping.ping(peer);
                            out.println("@servent pinged " + peer + " " + rtt.toNanos() / 1e6);
                        } catch (IOException e) {
                            out.println("@servent ping-failed " + peer + " " + e.getMessage());
                        }
                    }
                }
            }
        }
    }
}
