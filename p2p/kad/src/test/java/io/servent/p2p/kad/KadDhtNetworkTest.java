package io.servent.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * L2: a hundred real hosts on the memory transport join one DHT through a single bootstrap peer;
 * every peer finds every other, providers and values are found across the network.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KadDhtNetworkTest {
    private static final int N = Integer.getInteger("servent.kad.nodes", 100);
    private static final int JOIN_WAVE = 25;
    static final KadConfig CONFIG = KadConfig.defaults()
            .withRequestTimeout(Duration.ofSeconds(3))
            .withLookupTimeout(Duration.ofSeconds(30))
            .withIpDiversity(KadIpDiversity.unlimited());

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private final KadTestNetwork net = new KadTestNetwork();
    private List<KadTestNetwork.Node> nodes = List.of();

    @BeforeAll
    void joinTheNetwork() throws Exception {
        System.out.println("KadDhtNetworkTest seed " + seed + ", " + N + " nodes");
        long start = System.nanoTime();
        nodes = net.start(N, CONFIG);
        KadTestNetwork.Node bootstrap = nodes.get(0);
        // Waves of joiners: the bootstrap host refuses handshakes beyond its pending limit, as it should.
        try (ExecutorService pool =
                Executors.newFixedThreadPool(JOIN_WAVE, Thread.ofVirtual().factory())) {
            List<Future<Integer>> joins = new ArrayList<>();
            for (KadTestNetwork.Node node : nodes.subList(1, N)) {
                joins.add(pool.submit(() -> node.dht().bootstrap(List.of(bootstrap.address()))));
            }
            for (Future<Integer> join : joins) {
                join.get();
            }
            // A second round, as the periodic refresh would do, now that everyone is in.
            List<Future<Integer>> refreshes = new ArrayList<>();
            for (KadTestNetwork.Node node : nodes) {
                refreshes.add(pool.submit(() -> node.dht().bootstrap(List.of())));
            }
            for (Future<Integer> refresh : refreshes) {
                refresh.get();
            }
        }
        System.out.printf(
                "joined %d nodes in %d ms; routing tables %s%n",
                N,
                (System.nanoTime() - start) / 1_000_000,
                nodes.stream().mapToInt(n -> n.dht().routingTableSize()).summaryStatistics());
        for (KadTestNetwork.Node node : nodes) {
            assertThat(node.dht().routingTableSize())
                    .as("table of %s", node)
                    .isGreaterThanOrEqualTo(Math.min(N - 1, 20));
        }
    }

    @AfterAll
    void close() {
        net.close();
        assertThat(nodes).allMatch(n -> n.dht().isTerminated());
    }

    @Test
    void everyPeerFindsEveryOther() throws Exception {
        KadStats before = sum();
        AtomicInteger byLookup = new AtomicInteger();
        AtomicLong start = new AtomicLong(System.nanoTime());
        try (ExecutorService pool =
                Executors.newFixedThreadPool(16, Thread.ofVirtual().factory())) {
            List<Future<Boolean>> finds = new ArrayList<>();
            for (KadTestNetwork.Node from : nodes) {
                for (KadTestNetwork.Node to : nodes) {
                    if (from == to) {
                        continue;
                    }
                    finds.add(pool.submit(() -> {
                        boolean connected =
                                !from.host().connections(to.host().peerId()).isEmpty();
                        Optional<KadPeer> found = from.dht().findPeer(to.host().peerId());
                        if (!connected) {
                            byLookup.incrementAndGet();
                        }
                        return found.isPresent()
                                && found.get()
                                        .addresses()
                                        .contains(to.host().listenAddresses().get(0));
                    }));
                }
            }
            int ok = 0;
            for (Future<Boolean> find : finds) {
                if (find.get()) {
                    ok++;
                }
            }
            assertThat(ok).as("seed %d", seed).isEqualTo(N * (N - 1));
        }
        long millis = (System.nanoTime() - start.get()) / 1_000_000;
        KadStats after = sum();
        long lookups = after.lookups() - before.lookups();
        System.out.printf(
                "findPeer: %d pairs in %d ms, %d not connected; their %d lookups: mean %.2f hops,"
                        + " %.1f requests, %.1f ms each%n",
                N * (N - 1),
                millis,
                byLookup.get(),
                lookups,
                (double) (after.lookupHops() - before.lookupHops()) / Math.max(1, lookups),
                (double) (after.lookupRequests() - before.lookupRequests()) / Math.max(1, lookups),
                (after.lookupNanos() - before.lookupNanos()) / 1e6 / Math.max(1, lookups));
    }

    @Test
    void lookupsForEveryPeerEndAtThatPeerInAFewHops() throws Exception {
        int samples = 300;
        List<Integer> hops = new ArrayList<>();
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            KadTestNetwork.Node from = nodes.get(random.nextInt(N));
            KadTestNetwork.Node to = nodes.get(random.nextInt(N));
            if (from == to) {
                continue;
            }
            PeerId target = to.host().peerId();
            KadLookupResult result = from.dht().closestPeers(target.bytes());
            assertThat(result.closest()).as("seed %d", seed).isNotEmpty();
            assertThat(result.closest().get(0)).as("seed %d", seed).isEqualTo(target);
            assertThat(result.closest()).hasSize(Math.min(20, N - 1));
            hops.add(result.stats().hops());
            micros.add(result.elapsed().toNanos() / 1000);
        }
        hops.sort(null);
        micros.sort(null);
        System.out.printf(
                "closestPeers(target) over %d nodes: hops median %d p90 %d max %d; latency median %.2f ms p90 %.2f ms max %.2f ms%n",
                N,
                hops.get(hops.size() / 2),
                hops.get(hops.size() * 9 / 10),
                hops.get(hops.size() - 1),
                micros.get(micros.size() / 2) / 1000.0,
                micros.get(micros.size() * 9 / 10) / 1000.0,
                micros.get(micros.size() - 1) / 1000.0);
        assertThat(hops.get(hops.size() - 1)).isLessThanOrEqualTo(8);
    }

    @Test
    void providersAreFoundFromAnywhere() throws Exception {
        for (int i = 0; i < 10; i++) {
            KadTestNetwork.Node provider = nodes.get(random.nextInt(N));
            Cid cid = Cid.v1(Cid.RAW, Multihash.sha256(("block " + seed + " " + i).getBytes(StandardCharsets.UTF_8)));
            int sentTo = provider.dht().provide(cid);
            assertThat(sentTo).isEqualTo(20);
            for (int j = 0; j < 5; j++) {
                KadTestNetwork.Node seeker = nodes.get(random.nextInt(N));
                List<KadPeer> found = seeker.dht().findProviders(cid, 5);
                assertThat(found).as("seed %d", seed).anySatisfy(p -> {
                    assertThat(p.id()).isEqualTo(provider.host().peerId());
                    assertThat(p.addresses())
                            .contains(provider.host().listenAddresses().get(0));
                });
            }
        }
    }

    @Test
    void signedValuesArePutAndGotAndOnlyNewerOnesReplaceThem() throws Exception {
        KadTestNetwork.Node owner = nodes.get(random.nextInt(N));
        byte[] key = KadSignedRecord.key(owner.host().peerId(), "status");
        byte[] v1 = KadSignedRecord.create(owner.host(), "status", 1, "online".getBytes(StandardCharsets.UTF_8));
        assertThat(owner.dht().putValue(key, v1)).isGreaterThanOrEqualTo(15);
        for (int j = 0; j < 10; j++) {
            KadTestNetwork.Node reader = nodes.get(random.nextInt(N));
            assertThat(reader.dht().getValue(key)).as("seed %d", seed).hasValueSatisfying(v -> assertThat(v)
                    .isEqualTo(v1));
        }
        byte[] v2 = KadSignedRecord.create(owner.host(), "status", 2, "away".getBytes(StandardCharsets.UTF_8));
        assertThat(owner.dht().putValue(key, v2)).isGreaterThanOrEqualTo(15);
        // An old record put again by someone else is refused by every holder.
        KadTestNetwork.Node replayer = nodes.get(random.nextInt(N));
        assertThat(replayer.dht().getValue(key))
                .hasValueSatisfying(v -> assertThat(v).isEqualTo(v2));
        for (int j = 0; j < 10; j++) {
            KadTestNetwork.Node reader = nodes.get(random.nextInt(N));
            byte[] got = reader.dht().getValue(key).orElseThrow();
            assertThat(KadSignedRecord.decode(key, got).seq()).isEqualTo(2);
        }
    }

    @Test
    void publicKeysArePutAndGot() throws Exception {
        KadTestNetwork.Node owner = nodes.get(random.nextInt(N));
        byte[] key = KadPublicKeyValidator.key(owner.host().peerId());
        assertThat(owner.dht().putValue(key, owner.host().publicKey().marshal()))
                .isGreaterThanOrEqualTo(15);
        KadTestNetwork.Node reader = nodes.get(random.nextInt(N));
        assertThat(reader.dht().getValue(key)).hasValueSatisfying(v -> assertThat(v)
                .isEqualTo(owner.host().publicKey().marshal()));
    }

    @Test
    void statsDescribeTheTable() {
        KadStats stats = nodes.get(random.nextInt(N)).dht().stats();
        System.out.println("stats of one node: " + stats);
        assertThat(stats.routingTableSize())
                .isEqualTo(stats.bucketSizes().stream().mapToInt(i -> i).sum());
        assertThat(stats.networkSizeEstimate()).isBetween((long) N / 3, (long) N * 3);
    }

    private KadStats sum() {
        long lookups = 0;
        long requests = 0;
        long hops = 0;
        long nanos = 0;
        int maxHops = 0;
        for (KadTestNetwork.Node n : nodes) {
            KadStats s = n.dht().stats();
            lookups += s.lookups();
            requests += s.lookupRequests();
            hops += s.lookupHops();
            nanos += s.lookupNanos();
            maxHops = Math.max(maxHops, s.maxLookupHops());
        }
        return new KadStats(KadMode.SERVER, 0, List.of(), 0, 0, 0, 0, lookups, requests, hops, maxHops, nanos);
    }
}
