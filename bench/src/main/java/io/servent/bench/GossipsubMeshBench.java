package io.servent.bench;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.gossipsub.Gossipsub;
import io.servent.p2p.gossipsub.GossipsubConfig;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.testing.MemoryNetwork;
import io.servent.p2p.testing.MemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Messages per second through a 10-peer gossipsub mesh in one process: real hosts (Noise, Yamux) on
 * the memory transport, every peer subscribed and publishing 256-byte messages, StrictSign (one
 * signature and nine verifications per message). Publishers keep a bounded number of messages in
 * flight, so the rate is what the mesh sustains with every message delivered. Prints one JSON line.
 * The Ed25519 engine is the process's ({@code -Dservent.ed25519=jdk} forces the JDK's).
 *
 * <p>Usage: {@code GossipsubMeshBench MESSAGES}
 */
public final class GossipsubMeshBench {
    private static final String TOPIC = "bench";
    private static final int PEERS = 10;
    private static final int PAYLOAD = 256;
    private static final int IN_FLIGHT = 200;
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    private GossipsubMeshBench() {}

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        MemoryNetwork network = new MemoryNetwork();
        List<BasicHost> hosts = new ArrayList<>();
        List<Gossipsub> routers = new ArrayList<>();
        try {
            for (int i = 0; i < PEERS; i++) {
                BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                        .config(HostConfig.defaults().withListenAddresses(List.of(Multiaddr.parse("/memory/0"))))
                        .transport(new MemoryTransport(network))
                        .build();
                host.start();
                hosts.add(host);
                routers.add(Gossipsub.start(host, GossipsubConfig.defaults()));
            }
            for (int i = 0; i < PEERS; i++) {
                for (int j = i + 1; j < PEERS; j++) {
                    BasicHost to = hosts.get(j);
                    hosts.get(i).connect(to.listenAddresses().get(0).withPeerId(to.peerId()));
                }
            }
            AtomicLong delivered = new AtomicLong();
            for (Gossipsub g : routers) {
                g.subscribe(TOPIC, m -> delivered.incrementAndGet());
            }
            await(() -> routers.stream().allMatch(g -> g.meshPeers(TOPIC).size() >= 4), "the meshes form");

            run(routers, delivered, Math.max(PEERS, messages / 10)); // warm-up: JIT, windows, caches
            double cpuStart = ProcessCpu.seconds(ProcessHandle.current().pid());
            long start = System.nanoTime();
            run(routers, delivered, messages);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = ProcessCpu.seconds(ProcessHandle.current().pid()) - cpuStart;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("engine", System.getProperty("servent.ed25519", "default"));
            result.put("peers", PEERS);
            result.put("payload", PAYLOAD);
            result.put("messages", messages);
            result.put("seconds", seconds);
            result.put("messagesPerSecond", messages / seconds);
            result.put("deliveriesPerSecond", messages * (PEERS - 1) / seconds);
            result.put("messagesPerCpuSecond", messages / cpuSeconds);
            result.put(
                    "rpcsDropped",
                    routers.stream().mapToLong(g -> g.stats().rpcsDropped()).sum());
            BenchJson.print(result);
        } finally {
            routers.forEach(Gossipsub::close);
            hosts.forEach(BasicHost::close);
        }
    }

    /** Every peer publishes its share, keeping at most {@code IN_FLIGHT} messages undelivered overall. */
    private static void run(List<Gossipsub> routers, AtomicLong delivered, int messages) throws Exception {
        long base = delivered.get();
        AtomicLong published = new AtomicLong();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        List<Thread> publishers = new ArrayList<>();
        for (Gossipsub g : routers) {
            publishers.add(Thread.ofVirtual().start(() -> {
                byte[] payload = new byte[PAYLOAD];
                for (int i = 0; i < messages / PEERS && System.nanoTime() < deadline; i++) {
                    while (published.get() * (PEERS - 1) - (delivered.get() - base) > (long) IN_FLIGHT * (PEERS - 1)
                            && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(50_000);
                    }
                    payload[0] = (byte) i;
                    payload[1] = (byte) (i >> 8);
                    payload[2] = (byte) (i >> 16);
                    g.publish(TOPIC, payload);
                    published.incrementAndGet();
                }
            }));
        }
        for (Thread t : publishers) {
            t.join();
        }
        long expected = base + (long) (messages / PEERS) * PEERS * (PEERS - 1);
        await(() -> delivered.get() >= expected, "every message is delivered");
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
