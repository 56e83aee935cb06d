package io.servent.p2p.host;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Turns wildcard listen addresses (0.0.0.0, ::) into the concrete addresses peers can dial. */
final class ListenAddresses {
    private ListenAddresses() {}

    static List<Multiaddr> expandUnspecified(List<Multiaddr> listening) {
        Set<Multiaddr> out = new LinkedHashSet<>();
        for (Multiaddr address : listening) {
            Optional<InetSocketAddress> socket = address.toTcpSocketAddress();
            if (socket.isEmpty() || !socket.get().getAddress().isAnyLocalAddress()) {
                out.add(address);
                continue;
            }
            boolean v6 = address.components().get(0).protocol() == MultiaddrProtocol.IP6;
            for (InetAddress ip : interfaceAddresses()) {
                if ((ip instanceof Inet6Address) == v6 && !ip.isLinkLocalAddress()) {
                    out.add(Multiaddr.ofTcp(
                            new InetSocketAddress(withoutZone(ip), socket.get().getPort())));
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * The JDK attaches the interface as a scope to every IPv6 interface address; a zone means
     * nothing to another host and would leak into identify as {@code /ip6zone/eth0/…}.
     */
    static InetAddress withoutZone(InetAddress ip) {
        try {
            return InetAddress.getByAddress(ip.getAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("an address of 4 or 16 bytes was refused", e);
        }
    }

    private static List<InetAddress> interfaceAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp()) {
                    for (InetAddress ip : Collections.list(nic.getInetAddresses())) {
                        if (ip instanceof Inet4Address || ip instanceof Inet6Address) {
                            out.add(ip);
                        }
                    }
                }
            }
        } catch (SocketException e) {
            // No interface list: advertise nothing rather than a wildcard nobody can dial.
        }
        return out;
    }
}
