package io.servent.p2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.Stream;
import io.servent.p2p.testing.MemoryNetwork;
import io.servent.p2p.testing.MemoryTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tens of hosts with real Noise and Yamux on the in-memory transport, talking at once. */
@Timeout(120)
class ManyHostsTest {
    @Test
    void thirtyHostsEchoAcrossAMeshOfRandomLinks() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ManyHostsTest seed " + seed);
        Random random = new Random(seed);
        MemoryNetwork network = new MemoryNetwork();
        List<BasicHost> hosts = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 30; i++) {
                BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                        .config(HostConfig.defaults().withListenAddresses(List.of(Multiaddr.parse("/memory/0"))))
                        .transport(new MemoryTransport(network))
                        .build();
                host.setStreamHandler(TestHosts.ECHO, TestHosts::echo);
                host.start();
                hosts.add(host);
            }
            List<Future<Boolean>> exchanges = new ArrayList<>();
            for (BasicHost from : hosts) {
                for (int k = 0; k < 5; k++) {
                    BasicHost to = hosts.get(random.nextInt(hosts.size()));
                    if (to == from) {
                        continue;
                    }
                    byte[] payload = new byte[1 + random.nextInt(200_000)];
                    random.nextBytes(payload);
                    exchanges.add(pool.submit(() -> {
                        from.connect(to.listenAddresses().get(0).withPeerId(to.peerId()));
                        try (Stream s = from.newStream(to.peerId(), TestHosts.ECHO)) {
                            s.out().write(payload);
                            s.closeWrite();
                            return java.util.Arrays.equals(s.in().readAllBytes(), payload);
                        }
                    }));
                }
            }
            for (Future<Boolean> exchange : exchanges) {
                assertThat(exchange.get()).isTrue();
            }
        } finally {
            hosts.forEach(BasicHost::close);
        }
        assertThat(hosts)
                .allMatch(h -> h.liveThreadCount() == 0 && h.connections().isEmpty());
    }
}
