package io.servent.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenAddressesTest {
    @Test
    void anIpv6AddressLosesItsZone() throws Exception {
        InetAddress zoned =
                Inet6Address.getByAddress(null, InetAddress.getByName("fd00::2").getAddress(), 1);
        InetAddress bare = ListenAddresses.withoutZone(zoned);
        assertThat(bare.getHostAddress()).doesNotContain("%");
        assertThat(bare.getAddress()).isEqualTo(zoned.getAddress());
    }

    @Test
    void wildcardsExpandToZonelessConcreteAddresses() {
        List<Multiaddr> expanded = ListenAddresses.expandUnspecified(
                List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/4001"), Multiaddr.parse("/ip6/::/tcp/4002")));
        assertThat(expanded).isNotEmpty().noneMatch(a -> a.has(MultiaddrProtocol.IP6ZONE));
        assertThat(expanded).anyMatch(a -> a.toString().equals("/ip4/127.0.0.1/tcp/4001"));
        assertThat(expanded).noneMatch(a -> a.toString().startsWith("/ip4/0.0.0.0"));
    }

    @Test
    void concreteAddressesPassThrough() {
        Multiaddr concrete = Multiaddr.parse("/ip4/127.0.0.1/tcp/1234");
        assertThat(ListenAddresses.expandUnspecified(List.of(concrete))).containsExactly(concrete);
    }
}
