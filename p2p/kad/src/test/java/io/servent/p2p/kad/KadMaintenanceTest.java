package io.servent.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The periodic work on a fake clock: provider records lapse after 48 h unless republished every
 * 22 h, records expire, and the shared timer of a simulator is left running.
 */
@Timeout(60)
class KadMaintenanceTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
    private final InstantSource clock = now::get;
    /** Stands in for a simulator's timer; the test calls maintain() itself. */
    private final ScheduledExecutorService sharedTimer = Executors.newSingleThreadScheduledExecutor();

    private final KadTestNetwork net = new KadTestNetwork();

    @AfterEach
    void close() {
        net.close();
        assertThat(sharedTimer.isShutdown())
                .as("a shared timer is not the DHT's to stop")
                .isFalse();
        sharedTimer.shutdownNow();
    }

    private void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    private List<KadTestNetwork.Node> network(int n) throws Exception {
        List<KadTestNetwork.Node> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(net.start(KadConfig.defaults(), clock, sharedTimer));
        }
        for (KadTestNetwork.Node node : nodes.subList(1, n)) {
            node.dht().bootstrap(List.of(nodes.get(0).address()));
        }
        return nodes;
    }

    @Test
    void providerRecordsLapseAfter48HoursUnlessRepublishedEvery22() throws Exception {
        List<KadTestNetwork.Node> nodes = network(5);
        KadTestNetwork.Node provider = nodes.get(1);
        KadTestNetwork.Node lazy = nodes.get(2);
        KadTestNetwork.Node seeker = nodes.get(3);
        Cid kept = Cid.v1(Cid.RAW, Multihash.sha256("kept".getBytes(StandardCharsets.UTF_8)));
        Cid dropped = Cid.v1(Cid.RAW, Multihash.sha256("dropped".getBytes(StandardCharsets.UTF_8)));
        assertThat(provider.dht().provide(kept)).isEqualTo(4);
        assertThat(lazy.dht().provide(dropped)).isEqualTo(4);
        lazy.dht().stopProviding(dropped);

        for (int hours = 0; hours < 60; hours += 6) {
            advance(Duration.ofHours(6));
            for (KadTestNetwork.Node node : nodes) {
                node.dht().maintain();
            }
        }

        List<PeerId> keptProviders =
                seeker.dht().findProviders(kept, 5).stream().map(KadPeer::id).toList();
        assertThat(keptProviders).containsExactly(provider.host().peerId());
        assertThat(seeker.dht().findProviders(dropped, 5)).isEmpty();
        assertThat(provider.dht().stats().providedKeys()).isEqualTo(1);
    }

    @Test
    void storedRecordsExpireAfterTheirTtl() throws Exception {
        List<KadTestNetwork.Node> nodes = network(4);
        KadTestNetwork.Node owner = nodes.get(1);
        byte[] key = KadSignedRecord.key(owner.host().peerId(), "x");
        byte[] value = KadSignedRecord.create(owner.host(), "x", 1, new byte[] {7});
        assertThat(owner.dht().putValue(key, value)).isEqualTo(3);
        assertThat(nodes.get(3).dht().stats().storedRecords()).isEqualTo(1);

        advance(KadConfig.defaults().recordTtl().plusMinutes(1));
        for (KadTestNetwork.Node node : nodes) {
            node.dht().maintain();
        }

        assertThat(nodes.get(3).dht().stats().storedRecords()).isZero();
        assertThat(nodes.get(2).dht().getValue(key)).isEmpty();
    }

    @Test
    void disjointPathLookupsFindEveryPeer() throws Exception {
        List<KadTestNetwork.Node> nodes = new java.util.ArrayList<>();
        KadConfig disjoint = KadConfig.defaults().withDisjointPaths(3).withK(4);
        for (int i = 0; i < 16; i++) {
            nodes.add(net.start(disjoint, clock, sharedTimer));
        }
        for (KadTestNetwork.Node node : nodes.subList(1, nodes.size())) {
            node.dht().bootstrap(List.of(nodes.get(0).address()));
        }
        for (KadTestNetwork.Node from : nodes) {
            for (KadTestNetwork.Node to : nodes) {
                if (from != to) {
                    assertThat(from.dht()
                                    .closestPeers(to.host().peerId().bytes())
                                    .closest())
                            .first()
                            .isEqualTo(to.host().peerId());
                }
            }
        }
    }
}
