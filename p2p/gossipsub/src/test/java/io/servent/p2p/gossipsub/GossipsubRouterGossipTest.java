package io.servent.p2p.gossipsub;

import static io.servent.p2p.gossipsub.Scripted.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlIHave;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** IHAVE/IWANT gossip, the message cache windows, IWANT promises, and message validation in one router. */
@Timeout(30)
class GossipsubRouterGossipTest {
    private static final String TOPIC = "gossip-test";
    private final Ed25519PrivateKey author = Ed25519PrivateKey.generate();
    private long seqno = 1;

    private Message message(String text) {
        return RouterNet.signed(author, TOPIC, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), seqno++);
    }

    private static MessageId idOf(Message m) {
        return MessageIdFunction.FROM_AND_SEQNO.apply(m);
    }

    private static List<ControlIHave> ihaves(List<RouterAction> actions, PeerId peer) {
        return sentTo(actions, peer).stream()
                .flatMap(r -> r.getControl().getIhaveList().stream())
                .toList();
    }

    @Test
    void heartbeatsAdvertiseCachedMessagesToPeersOutsideTheMeshForMcacheGossipWindows() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> peers = s.peers(20, TOPIC, 10);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        PeerId source = s.router.meshPeers(TOPIC).iterator().next();
        Message m = message("hello");
        s.router.handleRpc(source, Scripted.publish(m), s.now);
        s.drain();
        Set<PeerId> mesh = s.router.meshPeers(TOPIC);

        for (int beat = 1; beat <= 3; beat++) {
            s.heartbeats(1);
            List<RouterAction> actions = s.drain();
            Set<PeerId> advertisedTo = new HashSet<>();
            for (PeerId p : peers) {
                if (ihaves(actions, p).stream()
                        .anyMatch(h -> h.getMessageIDsList().contains(idOf(m).byteString()))) {
                    advertisedTo.add(p);
                }
            }
            // max(D_lazy = 6, 0.25 x 14 non-mesh peers): 6 peers, none of the mesh
            assertThat(advertisedTo).as("heartbeat %d", beat).hasSize(6).doesNotContainAnyElementsOf(mesh);
        }
        s.heartbeats(1);
        List<RouterAction> fourth = s.drain();
        assertThat(peers).allSatisfy(p -> assertThat(ihaves(fourth, p)).isEmpty());

        // Still cached (mcache_len 5) for IWANT, then gone.
        PeerId asker = peers.stream().filter(p -> !mesh.contains(p)).findFirst().orElseThrow();
        s.router.handleRpc(asker, Scripted.iwant(List.of(idOf(m))), s.now);
        assertThat(sentTo(s.drain(), asker)).flatMap(RPC::getPublishList).containsExactly(m);
        s.heartbeats(1);
        s.router.handleRpc(asker, Scripted.iwant(List.of(idOf(m))), s.now);
        assertThat(sentTo(s.drain(), asker)).isEmpty();
    }

    @Test
    void iwantIsAnsweredAtMostGossipRetransmissionTimesPerPeer() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> peers = s.peers(3, TOPIC, 3);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        Message m = message("again");
        s.router.handleRpc(peers.get(0), Scripted.publish(m), s.now);
        s.drain();
        PeerId asker = peers.get(1);
        int answered = 0;
        for (int i = 0; i < 5; i++) {
            s.router.handleRpc(asker, Scripted.iwant(List.of(idOf(m))), s.now);
            answered += (int) sentTo(s.drain(), asker).stream()
                    .mapToLong(RPC::getPublishCount)
                    .sum();
        }
        assertThat(answered).isEqualTo(3);
    }

    @Test
    void ihaveOfUnseenMessagesIsAnsweredWithIwantAndABrokenPromiseIsPenalised() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> peers = s.peers(3, TOPIC, 3);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        PeerId liar = peers.get(0);
        PeerId honest = peers.get(1);
        Message known = message("known");
        s.router.handleRpc(honest, Scripted.publish(known), s.now);
        s.drain();
        List<Message> unseen = List.of(message("a"), message("b"), message("c"));
        List<MessageId> ids = new ArrayList<>(
                unseen.stream().map(GossipsubRouterGossipTest::idOf).toList());
        ids.add(idOf(known));

        s.router.handleRpc(liar, Scripted.ihave(TOPIC, ids), s.now);
        s.router.handleRpc(honest, Scripted.ihave(TOPIC, ids), s.now);
        List<RouterAction> actions = s.drain();
        for (PeerId p : List.of(liar, honest)) {
            List<MessageId> wanted = sentTo(actions, p).stream()
                    .flatMap(r -> r.getControl().getIwantList().stream())
                    .flatMap(w -> w.getMessageIDsList().stream())
                    .map(MessageId::of)
                    .toList();
            assertThat(wanted).containsExactlyInAnyOrderElementsOf(ids.subList(0, 3));
        }
        s.router.handleRpc(honest, Scripted.publish(unseen.toArray(Message[]::new)), s.now);
        s.drain();

        s.heartbeats(4); // past the 3 s follow-up time
        s.drain();
        // Every message arrived (from the honest peer), so no promise of either peer is broken.
        assertThat(s.router.score(liar)).isZero();
        assertThat(s.router.score(honest)).isZero();

        List<MessageId> never = List.of(idOf(message("d")), idOf(message("e")));
        s.router.handleRpc(liar, Scripted.ihave(TOPIC, never), s.now);
        s.drain();
        s.heartbeats(4);
        s.drain();
        assertThat(s.router.score(liar))
                .as("one broken promise: P7 = 1^2 x -10")
                .isEqualTo(-10.0);
    }

    @Test
    void ihaveFloodsAndLowScorePeersAreIgnored() {
        Map<PeerId, Double> appScores = new ConcurrentHashMap<>();
        Scripted s = new Scripted(GossipsubConfig.defaults()
                .withScoreParams(PeerScoreParams.defaults()
                        .withAppSpecificScore(p -> appScores.getOrDefault(p, 0.0))
                        .withAppSpecificWeight(1)));
        List<PeerId> peers = s.peers(2, TOPIC, 2);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        PeerId flooder = peers.get(0);
        int iwants = 0;
        for (int i = 0; i < 15; i++) {
            s.router.handleRpc(flooder, Scripted.ihave(TOPIC, List.of(idOf(message("flood" + i)))), s.now);
            iwants += (int) sentTo(s.drain(), flooder).stream()
                    .filter(r -> r.getControl().getIwantCount() > 0)
                    .count();
        }
        assertThat(iwants).as("maxIHaveMessages per heartbeat").isEqualTo(10);

        PeerId shunned = peers.get(1);
        appScores.put(shunned, -20.0); // below the gossip threshold (-10)
        s.router.handleRpc(shunned, Scripted.ihave(TOPIC, List.of(idOf(message("x")))), s.now);
        assertThat(sentTo(s.drain(), shunned)).isEmpty();
    }

    @Test
    void aForgedCopyDoesNotShadowTheGenuineMessageWithTheSameId() {
        GossipsubConfig config = GossipsubConfig.defaults()
                .withScoreParams(PeerScoreParams.defaults()
                        .withTopic(
                                TOPIC,
                                TopicScoreParams.defaults()
                                        .withTimeInMeshWeight(0)
                                        .withFirstMessageDeliveriesWeight(0)
                                        .withMeshMessageDeliveriesWeight(0)
                                        .withMeshFailurePenaltyWeight(0)
                                        .withInvalidMessageDeliveriesWeight(-10)
                                        .withTopicWeight(1)));
        Scripted s = new Scripted(config);
        List<PeerId> peers = s.peers(3, TOPIC, 3);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        PeerId forger = peers.get(0);
        PeerId relay = peers.get(1);
        Message genuine = message("genuine");
        Message forged = genuine.toBuilder()
                .setData(com.google.protobuf.ByteString.copyFromUtf8("forged"))
                .build(); // same from and seqno, so the same id; the signature no longer matches

        s.router.handleRpc(forger, Scripted.publish(forged), s.now);
        s.router.handleRpc(relay, Scripted.publish(genuine), s.now); // arrives while the forgery is checked
        List<RouterAction> actions = s.drain();

        List<GossipsubMessage> delivered = actions.stream()
                .filter(a -> a instanceof RouterAction.Deliver)
                .map(a -> ((RouterAction.Deliver) a).message())
                .toList();
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).data()).isEqualTo("genuine".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(delivered.get(0).receivedFrom()).isEqualTo(relay);
        assertThat(s.router.score(forger)).isEqualTo(-10.0); // 1^2 x -10 x topic weight 1
        assertThat(s.router.score(relay)).isZero();
        assertThat(s.router.stats().messagesUnauthentic()).isEqualTo(1);

        // Another forged copy later is a duplicate of an accepted message: dropped, not delivered.
        s.router.handleRpc(forger, Scripted.publish(forged), s.now);
        assertThat(s.drain()).noneMatch(a -> a instanceof RouterAction.Deliver);
    }

    @Test
    void messagesBreakingTheSignaturePolicyAreRejectedBeforeValidation() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> peers = s.peers(1, TOPIC, 1);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        Message unsigned = message("x").toBuilder().clearSignature().build();
        Message shortSeqno = message("y").toBuilder()
                .setSeqno(com.google.protobuf.ByteString.copyFrom(new byte[4]))
                .build();
        Message ours = RouterNet.signed(Ed25519PrivateKey.generate(), TOPIC, new byte[1], 1).toBuilder()
                .setFrom(com.google.protobuf.ByteString.copyFrom(s.self.bytes()))
                .build();
        s.router.handleRpc(peers.get(0), Scripted.publish(unsigned, shortSeqno, ours), s.now);
        List<RouterAction> actions = s.drain();

        assertThat(actions).noneMatch(a -> a instanceof RouterAction.Validate);
        assertThat(s.router.stats().messagesUnauthentic()).isEqualTo(3);
        assertThat(actions.stream()
                        .filter(a -> a instanceof RouterAction.Notify n
                                && n.event() instanceof GossipsubEvent.MessageRejected)
                        .count())
                .isEqualTo(3);
    }

    @Test
    void rejectedAndIgnoredMessagesAreNeitherDeliveredNorForwarded() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> peers = s.peers(6, TOPIC, 6);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        s.validator.setValidator(TOPIC, m -> {
            String text = new String(m.data(), java.nio.charset.StandardCharsets.UTF_8);
            return switch (text) {
                case "bad" -> ValidationResult.reject("bad words");
                case "stale" -> ValidationResult.ignore("stale");
                default -> ValidationResult.accept();
            };
        });
        s.router.handleRpc(peers.get(0), Scripted.publish(message("bad"), message("stale"), message("good")), s.now);
        List<RouterAction> actions = s.drain();

        assertThat(actions.stream().filter(a -> a instanceof RouterAction.Deliver))
                .hasSize(1);
        long forwarded = actions.stream()
                .filter(a -> a instanceof RouterAction.Send)
                .mapToLong(a -> ((RouterAction.Send) a).rpc().getPublishCount())
                .sum();
        assertThat(forwarded).isEqualTo(s.router.meshPeers(TOPIC).size() - 1); // all but the source
        assertThat(s.router.stats().messagesRejected()).isEqualTo(1);
        assertThat(s.router.stats().messagesIgnored()).isEqualTo(1);
    }

    @Test
    void theTopicSizeLimitRejectsLargeMessagesBeforeValidation() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> peers = s.peers(1, TOPIC, 1);
        s.router.subscribe(TOPIC, s.now);
        s.router.setMaxDataLength(TOPIC, 4);
        s.drain();
        s.router.handleRpc(peers.get(0), Scripted.publish(message("too long"), message("ok")), s.now);
        List<RouterAction> actions = s.drain();
        assertThat(actions.stream().filter(a -> a instanceof RouterAction.Validate))
                .hasSize(1);
        assertThat(s.router.stats().messagesRejected()).isEqualTo(1);
    }

    @Test
    void oversizeAuthorsAndIdsAndAFullValidationQueueAreRefusedBeforeValidation() {
        Scripted s = new Scripted(
                GossipsubConfig.defaults().withLimits(GossipsubLimits.defaults().withValidationQueueSize(2)));
        List<PeerId> peers = s.peers(1, TOPIC, 1);
        s.router.subscribe(TOPIC, s.now);
        s.drain();
        Message hugeAuthor = message("x").toBuilder()
                .setFrom(com.google.protobuf.ByteString.copyFrom(new byte[300]))
                .build();
        s.router.handleRpc(peers.get(0), Scripted.publish(hugeAuthor), s.now);
        assertThat(s.drain()).noneMatch(a -> a instanceof RouterAction.Validate);
        assertThat(s.router.stats().messagesUnauthentic()).isEqualTo(1);

        // Without draining, validations stay pending: the third is throttled, not marked seen.
        Message m1 = message("1");
        Message m2 = message("2");
        Message m3 = message("3");
        s.router.handleRpc(peers.get(0), Scripted.publish(m1, m2, m3), s.now);
        List<RouterAction> queued = s.router.drainActions();
        assertThat(queued.stream().filter(a -> a instanceof RouterAction.Validate))
                .hasSize(2);
        assertThat(s.router.stats().validationsThrottled()).isEqualTo(1);
        for (RouterAction a : queued) {
            if (a instanceof RouterAction.Validate v) {
                s.router.validated(v.validation(), s.validator.validate(v.validation()), s.now);
            }
        }
        s.router.handleRpc(peers.get(0), Scripted.publish(m3), s.now);
        assertThat(s.drain().stream().filter(a -> a instanceof RouterAction.Deliver))
                .hasSize(3);
    }

    @Test
    void messagesOfTopicsWeDidNotSubscribeToAreIgnored() {
        Scripted s = new Scripted(GossipsubConfig.defaults());
        List<PeerId> peers = s.peers(1, TOPIC, 1);
        s.router.handleRpc(peers.get(0), Scripted.publish(message("unwanted")), s.now);
        assertThat(s.drain()).isEmpty();
        assertThat(s.router.stats().messagesUnsubscribed()).isEqualTo(1);
    }
}
