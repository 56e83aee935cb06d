package io.servent.p2p.gossipsub;

import static io.servent.p2p.gossipsub.Scripted.graftedBy;
import static io.servent.p2p.gossipsub.Scripted.prunedBy;
import static io.servent.p2p.gossipsub.Scripted.prunes;
import static io.servent.p2p.gossipsub.Scripted.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlPrune;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Mesh maintenance of one router against scripted peers: join, heartbeat, GRAFT, PRUNE, backoff, PX. */
@Timeout(30)
class GossipsubRouterMeshTest {
    private static final String TOPIC = "mesh-test";

    @Test
    void joiningGraftsDPeersOfTheTopic() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        s.peers(20, TOPIC, 10);
        s.router.subscribe(TOPIC, s.now);
        List<RouterAction> actions = s.drain();

        assertThat(s.router.meshPeers(TOPIC)).hasSize(6);
        assertThat(graftedBy(actions, TOPIC)).isEqualTo(s.router.meshPeers(TOPIC));
        // every peer hears of the subscription
        assertThat(actions.stream()
                        .filter(a -> a instanceof RouterAction.Send send
                                && send.rpc().getSubscriptionsList().stream()
                                        .anyMatch(o -> o.getSubscribe()
                                                && o.getTopicid().equals(TOPIC)))
                        .count())
                .isEqualTo(20);
    }

    @Test
    void heartbeatGraftsBackUpToDWhenTheMeshFallsBelowDLo() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        s.peers(20, TOPIC, 10);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        List<PeerId> gone = new ArrayList<>(s.router.meshPeers(TOPIC)).subList(0, 3);
        gone.forEach(p -> s.router.removePeer(p, s.now));
        assertThat(s.router.meshPeers(TOPIC)).hasSize(3);

        s.heartbeats(1);
        List<RouterAction> actions = s.drain();

        assertThat(s.router.meshPeers(TOPIC)).hasSize(6).doesNotContainAnyElementsOf(gone);
        assertThat(graftedBy(actions, TOPIC)).hasSize(3);
    }

    @Test
    void heartbeatShrinksAnOverfullMeshToDKeepingTheBestScoresAndDOut() {
        Map<PeerId, Double> appScores = new ConcurrentHashMap<>();
        GossipsubConfig config = GossipsubConfig.defaults()
                .withScoreParams(PeerScoreParams.defaults()
                        .withAppSpecificScore(p -> appScores.getOrDefault(p, 0.0))
                        .withAppSpecificWeight(1));
        Scripted s = new Scripted(config);
        List<PeerId> inbound = s.peers(8, TOPIC, 0);
        List<PeerId> outbound = s.peers(10, TOPIC, 10);
        List<PeerId> best = inbound.subList(0, 4);
        best.forEach(p -> appScores.put(p, 5.0));
        // Outbound peers are always accepted when they graft; inbound ones until D_hi.
        for (PeerId p : inbound) {
            s.router.handleRpc(p, Scripted.graft(TOPIC), s.now);
        }
        for (PeerId p : outbound) {
            s.router.handleRpc(p, Scripted.graft(TOPIC), s.now);
        }
        s.drain();
        // We never subscribed, so every GRAFT was ignored without a PRUNE.
        assertThat(s.router.meshPeers(TOPIC)).isEmpty();
        assertThat(prunedBy(s.actions, TOPIC)).isEmpty();

        s.router.subscribe(TOPIC, s.now);
        s.drain();
        for (PeerId p : inbound) {
            s.router.handleRpc(p, Scripted.graft(TOPIC), s.now);
        }
        for (PeerId p : outbound) {
            s.router.handleRpc(p, Scripted.graft(TOPIC), s.now);
        }
        s.drain();
        Set<PeerId> before = s.router.meshPeers(TOPIC);
        assertThat(before).hasSizeGreaterThan(12);

        s.heartbeats(1);
        List<RouterAction> actions = s.drain();

        Set<PeerId> mesh = s.router.meshPeers(TOPIC);
        assertThat(mesh).hasSize(6).containsAll(best);
        assertThat(mesh.stream().filter(outbound::contains).count()).isGreaterThanOrEqualTo(2);
        Set<PeerId> pruned = prunedBy(actions, TOPIC);
        Set<PeerId> expectedPruned = new HashSet<>(before);
        expectedPruned.removeAll(mesh);
        assertThat(pruned).isEqualTo(expectedPruned);
        for (PeerId p : pruned) {
            ControlPrune prune = prunes(sentTo(actions, p)).get(0);
            assertThat(prune.getBackoff()).isEqualTo(60);
            assertThat(prune.getPeersCount()).isZero(); // PX is off by default
            assertThat(s.router.isBackedOff(p, TOPIC, s.now)).isTrue();
        }
    }

    @Test
    void aGraftDuringBackoffIsRefusedAndPenalised() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> peers = s.peers(3, TOPIC, 3);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        PeerId peer = peers.get(0);
        s.router.handleRpc(peer, Scripted.prune(TOPIC, 60), s.now);
        s.drain();
        assertThat(s.router.meshPeers(TOPIC)).doesNotContain(peer);

        s.tick(100);
        s.router.handleRpc(peer, Scripted.graft(TOPIC), s.now);
        List<RouterAction> actions = s.drain();

        assertThat(s.router.meshPeers(TOPIC)).doesNotContain(peer);
        assertThat(prunedBy(actions, TOPIC)).containsExactly(peer);
        // Within the flood threshold: two behaviour penalties, P7 = 2^2 x -10.
        assertThat(s.router.score(peer)).isEqualTo(-40.0);

        s.router.handleRpc(peer, Scripted.graft(TOPIC), s.now);
        s.drain();
        assertThat(s.router.score(peer)).isEqualTo(-160.0);
        // Now below the graylist threshold (-80): everything it sends is ignored.
        long graylisted = s.router.stats().rpcsGraylisted();
        s.router.handleRpc(peer, Scripted.subscribe("other"), s.now);
        assertThat(s.router.stats().rpcsGraylisted()).isEqualTo(graylisted + 1);
        assertThat(s.router.topicPeers("other")).isEmpty();
    }

    @Test
    void aPrunedPeerIsNotGraftedAgainBeforeItsBackoffEnds() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> peers = s.peers(3, TOPIC, 3);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        PeerId peer = peers.get(0);
        s.router.handleRpc(peer, Scripted.prune(TOPIC, 5), s.now);
        s.drain();

        s.heartbeats(4);
        assertThat(graftedBy(s.drain(), TOPIC)).doesNotContain(peer);
        assertThat(s.router.meshPeers(TOPIC)).doesNotContain(peer);

        s.heartbeats(2);
        assertThat(graftedBy(s.drain(), TOPIC)).containsExactly(peer);
        assertThat(s.router.meshPeers(TOPIC)).contains(peer);
    }

    @Test
    void graftsForTopicsWeAreNotInAreIgnored() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> peers = s.peers(1, TOPIC, 1);
        s.router.handleRpc(peers.get(0), Scripted.graft("elsewhere"), s.now);
        assertThat(s.drain()).isEmpty();
    }

    @Test
    void negativeScoresArePrunedWithoutPeerExchange() {
        Map<PeerId, Double> appScores = new ConcurrentHashMap<>();
        GossipsubConfig config = GossipsubConfig.defaults()
                .withPeerExchange(true)
                .withScoreParams(PeerScoreParams.defaults()
                        .withAppSpecificScore(p -> appScores.getOrDefault(p, 0.0))
                        .withAppSpecificWeight(1));
        Scripted s = new Scripted(config);
        s.peers(20, TOPIC, 10);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        PeerId bad = s.router.meshPeers(TOPIC).iterator().next();
        appScores.put(bad, -1.0);

        s.heartbeats(1);
        List<RouterAction> actions = s.drain();

        assertThat(s.router.meshPeers(TOPIC)).doesNotContain(bad);
        ControlPrune prune = prunes(sentTo(actions, bad)).get(0);
        assertThat(prune.getPeersCount()).isZero();
        assertThat(prune.getBackoff()).isEqualTo(60);
    }

    @Test
    void leavingPrunesWithTheUnsubscribeBackoffAndPeerExchange() {
        Scripted s = new Scripted(GossipsubConfig.defaults().withPeerExchange(true));
        s.peers(20, TOPIC, 10);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        Set<PeerId> mesh = s.router.meshPeers(TOPIC);

        s.router.unsubscribe(TOPIC, s.now);
        List<RouterAction> actions = s.drain();

        assertThat(prunedBy(actions, TOPIC)).isEqualTo(mesh);
        for (PeerId p : mesh) {
            ControlPrune prune = prunes(sentTo(actions, p)).get(0);
            assertThat(prune.getBackoff()).isEqualTo(10);
            assertThat(prune.getPeersCount()).isBetween(1, 16);
        }
        long unsubscribes = actions.stream()
                .filter(a -> a instanceof RouterAction.Send send
                        && send.rpc().getSubscriptionsList().stream().anyMatch(o -> !o.getSubscribe()))
                .count();
        assertThat(unsubscribes).isEqualTo(20);
        assertThat(s.router.meshPeers(TOPIC)).isEmpty();
    }

    @Test
    void aFullMeshTakesGraftsOnlyFromPeersWeDialed() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> outbound = s.peers(14, TOPIC, 14);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        for (PeerId p : outbound.subList(0, 12)) {
            s.router.handleRpc(p, Scripted.graft(TOPIC), s.now);
        }
        s.drain();
        assertThat(s.router.meshPeers(TOPIC)).hasSizeGreaterThanOrEqualTo(12);
        PeerId in = s.peers(1, TOPIC, 0).get(0);

        s.router.handleRpc(in, Scripted.graft(TOPIC), s.now);
        List<RouterAction> actions = s.drain();
        assertThat(s.router.meshPeers(TOPIC)).doesNotContain(in);
        assertThat(prunedBy(actions, TOPIC)).containsExactly(in);

        PeerId out = outbound.get(13);
        s.router.handleRpc(out, Scripted.graft(TOPIC), s.now);
        s.drain();
        assertThat(s.router.meshPeers(TOPIC)).contains(out);
    }

    @Test
    void peerExchangeIsFollowedOnlyFromWellScoredPeers() {
        Map<PeerId, Double> appScores = new ConcurrentHashMap<>();
        GossipsubConfig config = GossipsubConfig.defaults()
                .withScoreParams(PeerScoreParams.defaults()
                        .withAppSpecificScore(p -> appScores.getOrDefault(p, 0.0))
                        .withAppSpecificWeight(1));
        Scripted s = new Scripted(config);
        List<PeerId> peers = s.peers(2, TOPIC, 2);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        PeerId trusted = peers.get(0);
        PeerId stranger = peers.get(1);
        appScores.put(trusted, 50.0);
        PeerId a = PeerId.random();
        PeerId b = PeerId.random();
        PeerId c = PeerId.random();

        s.router.handleRpc(stranger, Scripted.prune(TOPIC, 60, a, b), s.now);
        assertThat(s.drain()).noneMatch(x -> x instanceof RouterAction.Connect);

        s.router.handleRpc(trusted, Scripted.prune(TOPIC, 60, a, b, c, s.self), s.now);
        Set<PeerId> dialed = new HashSet<>();
        s.drain().forEach(x -> {
            if (x instanceof RouterAction.Connect connect) {
                dialed.add(connect.peer());
            }
        });
        assertThat(dialed).containsExactlyInAnyOrder(a, b, c);
    }

    @Test
    void meshsub10PeersArePrunedWithoutBackoff() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        PeerId old = PeerId.random();
        s.router.addPeer(old, Gossipsub.PROTOCOL_V10, true, null, s.now);
        s.router.handleRpc(old, Scripted.subscribe(TOPIC), s.now);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        assertThat(s.router.meshPeers(TOPIC)).contains(old);

        s.router.unsubscribe(TOPIC, s.now);
        ControlPrune prune = prunes(sentTo(s.drain(), old)).get(0);
        assertThat(prune.hasBackoff()).isFalse();
        assertThat(prune.getPeersCount()).isZero();
    }

    @Test
    void aPeerThatUnsubscribesLeavesTheMesh() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        s.peers(8, TOPIC, 4);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        PeerId leaving = s.router.meshPeers(TOPIC).iterator().next();

        s.router.handleRpc(leaving, Scripted.unsubscribe(TOPIC), s.now);
        List<RouterAction> actions = s.drain();

        assertThat(s.router.meshPeers(TOPIC)).doesNotContain(leaving);
        assertThat(s.router.topicPeers(TOPIC)).doesNotContain(leaving);
        assertThat(actions)
                .contains(new RouterAction.Notify(new GossipsubEvent.PeerUnsubscribed(leaving, TOPIC)))
                .contains(new RouterAction.Notify(new GossipsubEvent.Pruned(leaving, TOPIC)));
    }

    @Test
    void aSubscriberToAShortMeshIsGraftedAtOnce() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        List<PeerId> peers = s.peers(5, TOPIC, 5);
        // Grafted on subscription up to D_lo, without waiting for a heartbeat.
        assertThat(s.router.meshPeers(TOPIC)).hasSize(4);
        assertThat(graftedBy(s.actions, TOPIC)).hasSize(4).isSubsetOf(new HashSet<>(peers));
    }

    @Test
    void directPeersStayOutsideTheMeshButGetEveryMessageAndAreNeverGraylisted() {
        PeerId direct = PeerId.random();
        Map<PeerId, Double> appScores = new ConcurrentHashMap<>(Map.of(direct, -1000.0));
        GossipsubConfig config = GossipsubConfig.defaults()
                .withDirectPeers(List.of(io.servent.p2p.api.Multiaddr.parse("/ip4/127.0.0.1/tcp/4001")
                        .withPeerId(direct)))
                .withFloodPublish(false)
                .withScoreParams(PeerScoreParams.defaults()
                        .withAppSpecificScore(p -> appScores.getOrDefault(p, 0.0))
                        .withAppSpecificWeight(1));
        Scripted s = new Scripted(config);
        s.router.addPeer(direct, Gossipsub.PROTOCOL_V11, true, null, s.now);
        s.router.handleRpc(direct, Scripted.subscribe(TOPIC), s.now); // accepted despite its score
        List<PeerId> others = s.peers(8, TOPIC, 4);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        assertThat(s.router.meshPeers(TOPIC)).doesNotContain(direct).hasSize(6);

        s.router.handleRpc(direct, Scripted.graft(TOPIC), s.now);
        assertThat(prunedBy(s.drain(), TOPIC)).containsExactly(direct);
        assertThat(s.router.meshPeers(TOPIC)).doesNotContain(direct);

        io.servent.p2p.api.Ed25519PrivateKey author = io.servent.p2p.api.Ed25519PrivateKey.generate();
        PeerId source = s.router.meshPeers(TOPIC).iterator().next();
        s.router.handleRpc(source, Scripted.publish(RouterNet.signed(author, TOPIC, new byte[] {1}, 1)), s.now);
        List<RouterAction> actions = s.drain();
        assertThat(sentTo(actions, direct)).flatMap(RPC::getPublishList).hasSize(1);
        assertThat(others).isNotEmpty();

        s.router.removePeer(direct, s.now);
        s.heartbeats(300); // directConnectTicks
        assertThat(s.drain()).contains(new RouterAction.Connect(direct));
    }

    @Test
    void opportunisticGraftingBringsInBetterPeersWhenTheMeshMedianIsLow() {
        Map<PeerId, Double> appScores = new ConcurrentHashMap<>();
        GossipsubConfig config = GossipsubConfig.defaults()
                .withScoreParams(PeerScoreParams.defaults()
                        .withAppSpecificScore(p -> appScores.getOrDefault(p, 1.0))
                        .withAppSpecificWeight(1));
        Scripted s = new Scripted(config);
        s.peers(6, TOPIC, 3);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        List<PeerId> stars = s.peers(3, TOPIC, 3);
        stars.forEach(p -> appScores.put(p, 50.0));
        assertThat(s.router.meshPeers(TOPIC)).doesNotContainAnyElementsOf(stars);

        s.heartbeats(59);
        assertThat(s.router.meshPeers(TOPIC)).doesNotContainAnyElementsOf(stars);
        s.heartbeats(1); // the 60th heartbeat: median 1 < 20, so up to 2 better peers are grafted
        assertThat(s.router.meshPeers(TOPIC).stream().filter(stars::contains)).hasSize(2);
    }

    @Test
    void subscriptionsBeyondTheLimitPerPeerAreIgnored() {
        Scripted s = new Scripted(
                GossipsubConfig.defaults().withLimits(GossipsubLimits.defaults().withMaxTopicsPerPeer(3)));
        PeerId peer = PeerId.random();
        s.router.addPeer(peer, Gossipsub.PROTOCOL_V11, true, null, s.now);
        RPC.Builder many = RPC.newBuilder();
        for (int i = 0; i < 10; i++) {
            many.addSubscriptions(RPC.SubOpts.newBuilder().setSubscribe(true).setTopicid("t" + i));
        }
        s.router.handleRpc(peer, many.build(), s.now);
        long known = java.util.stream.IntStream.range(0, 10)
                .filter(i -> s.router.topicPeers("t" + i).contains(peer))
                .count();
        assertThat(known).isEqualTo(3);
    }
}
