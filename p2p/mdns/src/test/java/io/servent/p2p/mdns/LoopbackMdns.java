package io.servent.p2p.mdns;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hosts and mDNS discoveries on the loopback interface, on a port of their own (so nothing else on
 * this machine that speaks mDNS is disturbed or heard), closed together. IPv4 multicast works on
 * {@code lo} here without changing it (IP_MULTICAST_LOOP; the interface needs no MULTICAST flag).
 */
final class LoopbackMdns implements AutoCloseable {
    static final Multiaddr LOOPBACK_TCP = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");

    final int port = ThreadLocalRandom.current().nextInt(20_000, 60_000);
    private final List<AutoCloseable> owned = new ArrayList<>();

    MdnsConfig config() {
        return MdnsConfig.defaults()
                .withInterfaces(List.of(loopbackName()))
                .withIpv6(false)
                .withPort(port)
                .withQueryInterval(Duration.ofSeconds(2));
    }

    BasicHost host() throws IOException {
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults().withListenAddresses(List.of(LOOPBACK_TCP)))
                .build();
        owned.add(host);
        host.start();
        return host;
    }

    MdnsDiscovery discovery(BasicHost host, MdnsConfig config) throws IOException {
        MdnsDiscovery mdns = new MdnsDiscovery(host, config);
        owned.add(0, mdns); // closed before its host
        mdns.start();
        return mdns;
    }

    /** A plain socket in the group on this test's port: to listen in and to send raw packets. */
    DatagramChannel rawSocket(boolean joinGroup, int bindPort) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        owned.add(channel);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(new InetSocketAddress(bindPort));
        NetworkInterface lo = NetworkInterface.getByName(loopbackName());
        channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
        channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        if (joinGroup) {
            channel.join(MdnsDiscovery.IPV4_GROUP, lo);
        }
        return channel;
    }

    InetSocketAddress group() {
        return new InetSocketAddress(MdnsDiscovery.IPV4_GROUP, port);
    }

    static String loopbackName() {
        try {
            for (NetworkInterface nif : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isLoopback()) {
                    return nif.getName();
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no loopback interface");
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort in teardown
            }
        }
    }
}
