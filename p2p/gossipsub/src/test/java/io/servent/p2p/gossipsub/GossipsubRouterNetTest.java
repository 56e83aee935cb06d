package io.servent.p2p.gossipsub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many routers on a virtual clock: mesh formation, exactly-once delivery, black holes, fanout, leaving. */
@Timeout(60)
class GossipsubRouterNetTest {
    private static final String TOPIC = "net-test";

    /** A fresh seed per run, printed; {@code -Dservent.test.seed=N} replays a failed run. */
    private static long seed() {
        long seed = Long.getLong("servent.test.seed", System.nanoTime());
        System.out.println("GossipsubRouterNetTest seed " + seed + " (replay with -Dservent.test.seed=" + seed + ")");
        return seed;
    }

    private static void assertExactlyOnce(RouterNet.Node node, List<MessageId> ids) {
        Map<MessageId, Integer> counts = new HashMap<>();
        node.delivered.forEach(m -> counts.merge(m.id(), 1, Integer::sum));
        assertThat(counts.keySet()).as("messages delivered to %s", node).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(counts.values()).as("deliveries per message at %s", node).allMatch(c -> c == 1);
    }

    @Test
    void meshesFormWithinTheDegreeBoundsAndEverySubscriberGetsEveryMessageOnce() {
        RouterNet net = new RouterNet(seed());
        List<RouterNet.Node> nodes = net.add(40, GossipsubConfig.defaults());
        net.connectRandomly(5);
        nodes.forEach(n -> n.subscribe(TOPIC));
        net.advance(Duration.ofSeconds(5));

        for (RouterNet.Node n : nodes) {
            int mesh = n.router.meshPeers(TOPIC).size();
            int available = n.router.topicPeers(TOPIC).size();
            assertThat(mesh).as("mesh of %s with %d topic peers", n, available).isBetween(Math.min(4, available), 12);
        }
        List<MessageId> ids = new ArrayList<>();
        Map<RouterNet.Node, List<MessageId>> byPublisher = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            RouterNet.Node publisher = nodes.get(net.random.nextInt(nodes.size()));
            MessageId id = publisher
                    .publish(TOPIC, ("m" + i).getBytes(StandardCharsets.UTF_8))
                    .id();
            ids.add(id);
            byPublisher.computeIfAbsent(publisher, k -> new ArrayList<>()).add(id);
        }
        net.advance(Duration.ofSeconds(3));
        for (RouterNet.Node n : nodes) {
            List<MessageId> expected = new ArrayList<>(ids);
            expected.removeAll(byPublisher.getOrDefault(n, List.of())); // emitSelf is off
            assertExactlyOnce(n, expected);
        }
    }

    @Test
    void peersThatSilentlyDropMessagesDoNotStopDelivery() {
        RouterNet net = new RouterNet(seed());
        // Mesh forwarding only (no flood publishing), so the black holes matter.
        GossipsubConfig config = GossipsubConfig.defaults().withFloodPublish(false);
        List<RouterNet.Node> nodes = net.add(30, config);
        List<RouterNet.Node> holes = nodes.subList(0, 6);
        for (RouterNet.Node hole : holes) {
            hole.validator.setValidator(TOPIC, m -> ValidationResult.ignore("a black hole never forwards"));
        }
        net.connectRandomly(4);
        nodes.forEach(n -> n.subscribe(TOPIC));
        net.advance(Duration.ofSeconds(3));

        List<RouterNet.Node> honest = nodes.subList(6, nodes.size());
        List<MessageId> ids = new ArrayList<>();
        Map<RouterNet.Node, List<MessageId>> byPublisher = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            RouterNet.Node publisher = honest.get(net.random.nextInt(honest.size()));
            MessageId id = publisher
                    .publish(TOPIC, ("m" + i).getBytes(StandardCharsets.UTF_8))
                    .id();
            ids.add(id);
            byPublisher.computeIfAbsent(publisher, k -> new ArrayList<>()).add(id);
            net.advance(Duration.ofMillis(200));
        }
        net.advance(Duration.ofSeconds(5)); // gossip repairs what the black holes swallowed
        for (RouterNet.Node n : honest) {
            List<MessageId> expected = new ArrayList<>(ids);
            expected.removeAll(byPublisher.getOrDefault(n, List.of()));
            assertExactlyOnce(n, expected);
        }
        assertThat(holes).allMatch(h -> h.delivered.isEmpty());
    }

    @Test
    void gossipRepairsLinksThatLoseEveryMessage() {
        RouterNet net = new RouterNet(seed());
        GossipsubConfig config = GossipsubConfig.defaults().withFloodPublish(false);
        List<RouterNet.Node> nodes = net.add(12, config);
        net.connectRandomly(4);
        nodes.forEach(n -> n.subscribe(TOPIC));
        net.advance(Duration.ofSeconds(3));
        RouterNet.Node isolated = nodes.get(0);
        // Every mesh link into the node loses everything: only gossip peers can still reach it.
        java.util.Set<io.servent.p2p.api.PeerId> meshOfIsolated = isolated.router.meshPeers(TOPIC);
        net.drop = (from, to) -> to.equals(isolated.id) && meshOfIsolated.contains(from);

        RouterNet.Node publisher = nodes.get(1);
        MessageId id = publisher
                .publish(TOPIC, "repair me".getBytes(StandardCharsets.UTF_8))
                .id();
        net.advance(Duration.ofSeconds(4));

        if (isolated.links.stream().allMatch(meshOfIsolated::contains)) {
            return; // every neighbour is a mesh peer: nobody is left to gossip (rare with 12 nodes)
        }
        assertExactlyOnce(isolated, List.of(id));
    }

    @Test
    void publishingWithoutSubscribingUsesAFanoutThatExpires() {
        RouterNet net = new RouterNet(seed());
        GossipsubConfig config =
                GossipsubConfig.defaults().withFloodPublish(false).withFanoutTtl(Duration.ofSeconds(5));
        List<RouterNet.Node> nodes = net.add(15, config);
        RouterNet.Node outsider = nodes.get(0);
        for (RouterNet.Node n : nodes) {
            if (n != outsider) {
                net.connect(outsider, n);
            }
        }
        net.connectRandomly(3);
        nodes.subList(1, 15).forEach(n -> n.subscribe(TOPIC));
        net.advance(Duration.ofSeconds(2));

        MessageId id = outsider.publish(TOPIC, "from outside".getBytes(StandardCharsets.UTF_8))
                .id();
        assertThat(outsider.router.fanoutPeers(TOPIC)).hasSize(6);
        net.advance(Duration.ofSeconds(2));
        for (RouterNet.Node n : nodes.subList(1, 15)) {
            assertExactlyOnce(n, List.of(id));
        }
        net.advance(Duration.ofSeconds(6));
        assertThat(outsider.router.fanoutPeers(TOPIC)).isEmpty();
    }

    @Test
    void aNodeThatUnsubscribesLeavesEveryMeshAndGetsNothingMore() {
        RouterNet net = new RouterNet(seed());
        List<RouterNet.Node> nodes = net.add(10, GossipsubConfig.defaults());
        net.connectRandomly(4);
        nodes.forEach(n -> n.subscribe(TOPIC));
        net.advance(Duration.ofSeconds(2));
        RouterNet.Node leaver = nodes.get(0);

        leaver.unsubscribe(TOPIC);
        net.advance(Duration.ofSeconds(2));
        nodes.get(5).publish(TOPIC, "after".getBytes(StandardCharsets.UTF_8));
        net.advance(Duration.ofSeconds(2));

        assertThat(leaver.delivered).isEmpty();
        assertThat(leaver.router.meshPeers(TOPIC)).isEmpty();
        for (RouterNet.Node n : nodes.subList(1, 10)) {
            assertThat(n.router.meshPeers(TOPIC)).doesNotContain(leaver.id);
            assertThat(n.router.topicPeers(TOPIC)).doesNotContain(leaver.id);
        }
        assertThat(nodes.subList(1, 10).stream().filter(n -> n != nodes.get(5)))
                .allSatisfy(n -> assertThat(n.delivered).hasSize(1));
    }
}
