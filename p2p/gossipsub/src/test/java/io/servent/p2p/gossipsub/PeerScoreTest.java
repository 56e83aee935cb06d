package io.servent.p2p.gossipsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The score function against worked examples: each test sets one parameter group and checks the
 * number computed by hand from the gossipsub v1.1 formulas.
 */
@Timeout(30)
class PeerScoreTest {
    private static final String T = "topic";
    private static final long T0 = 1_000_000;

    /** Topic params with every weight zero, so a test switches on just the one it checks. */
    private static TopicScoreParams silent() {
        return TopicScoreParams.defaults()
                .withTopicWeight(0.5)
                .withTimeInMeshWeight(0)
                .withFirstMessageDeliveriesWeight(0)
                .withMeshMessageDeliveriesWeight(0)
                .withMeshFailurePenaltyWeight(0)
                .withInvalidMessageDeliveriesWeight(0);
    }

    private static PeerScore score(TopicScoreParams topic) {
        return score(PeerScoreParams.defaults().withTopicScoreCap(0).withTopic(T, topic));
    }

    private static PeerScore score(PeerScoreParams params) {
        return new PeerScore(params, 120_000, 10_000, 100);
    }

    private static MessageId id(int n) {
        return MessageId.of(new byte[] {(byte) n, (byte) (n >> 8)});
    }

    @Test
    void p1TimeInMeshCountsQuantaUpToTheCap() {
        PeerScore s = score(silent().withTimeInMeshWeight(1).withTimeInMeshCap(3600));
        PeerId p = PeerId.random();
        s.addPeer(p, null);
        s.graft(p, T, T0);
        s.refresh(T0 + 30_000);
        // 30 quanta of 1 s, weight 1, topic weight 0.5
        assertThat(s.score(p)).isCloseTo(15.0, within(1e-9));
        s.refresh(T0 + 10_000_000);
        assertThat(s.score(p)).isCloseTo(0.5 * 3600, within(1e-9));
    }

    @Test
    void theTopicScoreCapBoundsPositiveTopicScores() {
        PeerScore s =
                score(PeerScoreParams.defaults().withTopicScoreCap(10).withTopic(T, silent().withTimeInMeshWeight(1)));
        PeerId p = PeerId.random();
        s.addPeer(p, null);
        s.graft(p, T, T0);
        s.refresh(T0 + 30_000);
        assertThat(s.score(p)).isEqualTo(10.0);
    }

    @Test
    void p2FirstDeliveriesDecayToZero() {
        PeerScore s = score(silent().withFirstMessageDeliveriesWeight(1).withFirstMessageDeliveriesDecay(0.5));
        PeerId p = PeerId.random();
        s.addPeer(p, null);
        for (int i = 0; i < 3; i++) {
            s.validating(id(i), T0);
            s.deliver(p, id(i), T, T0);
        }
        assertThat(s.score(p)).isCloseTo(1.5, within(1e-9)); // 3 x 1 x 0.5
        s.refresh(T0 + 1000);
        assertThat(s.score(p)).isCloseTo(0.75, within(1e-9));
        // 1.5, 0.75, 0.375, 0.1875, then 0.09375 < decayToZero (0.1): zero
        for (int i = 2; i <= 5; i++) {
            s.refresh(T0 + i * 1000L);
        }
        assertThat(s.score(p)).isZero();
    }

    @Test
    void p3MeshDeliveryDeficitIsSquaredOnceActiveAndP3bKeepsItAfterPrune() {
        PeerScore s = score(silent().withFirstMessageDeliveriesWeight(1)
                .withMeshMessageDeliveriesWeight(-1)
                .withMeshMessageDeliveriesThreshold(20)
                .withMeshMessageDeliveriesActivation(Duration.ofSeconds(5))
                .withMeshFailurePenaltyWeight(-1));
        PeerId p = PeerId.random();
        s.addPeer(p, null);
        s.graft(p, T, T0);
        for (int i = 0; i < 4; i++) {
            s.validating(id(i), T0 + 100);
            s.deliver(p, id(i), T, T0 + 100);
        }
        // Not active yet: only P2 = 4 x 1 x 0.5.
        assertThat(s.score(p)).isCloseTo(2.0, within(1e-9));
        s.refresh(T0 + 6000);
        // Decayed to 2 deliveries each; active: 0.5 x (2 - (20 - 2)^2) = -161.
        assertThat(s.score(p)).isCloseTo(-161.0, within(1e-9));

        s.prune(p, T);
        // P3 is gone with the mesh, P3b holds the same deficit: 0.5 x (2 - 324).
        assertThat(s.score(p)).isCloseTo(-161.0, within(1e-9));
        s.refresh(T0 + 7000);
        // P2 1, P3b 162: 0.5 x (1 - 162).
        assertThat(s.score(p)).isCloseTo(-80.5, within(1e-9));
    }

    @Test
    void duplicatesCountForP3OnlyWithinTheDeliveryWindow() {
        PeerScore s = score(
                silent().withMeshMessageDeliveriesWeight(-1).withMeshMessageDeliveriesWindow(Duration.ofMillis(10)));
        PeerId first = PeerId.random();
        PeerId prompt = PeerId.random();
        PeerId late = PeerId.random();
        PeerId early = PeerId.random();
        for (PeerId p : List.of(first, prompt, late, early)) {
            s.addPeer(p, null);
            s.graft(p, T, T0);
        }
        s.validating(id(1), T0);
        s.duplicate(early, id(1), T, T0 + 1); // while validating: counts when it is accepted
        s.deliver(first, id(1), T, T0 + 5);
        s.duplicate(prompt, id(1), T, T0 + 15); // 10 ms after validation: inside the window
        s.duplicate(late, id(1), T, T0 + 16);
        assertThat(stats(s, first).meshMessageDeliveries).isEqualTo(1);
        assertThat(stats(s, early).meshMessageDeliveries).isEqualTo(1);
        assertThat(stats(s, prompt).meshMessageDeliveries).isEqualTo(1);
        assertThat(stats(s, late).meshMessageDeliveries).isZero();
    }

    private static PeerScore.TopicStats stats(PeerScore s, PeerId p) {
        return java.util.Objects.requireNonNull(s.topicStatsForTest(p, T));
    }

    @Test
    void p4RejectionPenalisesTheSenderAndEveryDuplicateSenderButIgnoringDoesNot() {
        PeerScore s = score(silent().withInvalidMessageDeliveriesWeight(-1));
        PeerId a = PeerId.random();
        PeerId b = PeerId.random();
        PeerId c = PeerId.random();
        List.of(a, b, c).forEach(p -> s.addPeer(p, null));

        s.validating(id(1), T0);
        s.duplicate(b, id(1), T, T0);
        s.reject(a, id(1), T, PeerScore.Rejection.INVALID, T0);
        s.duplicate(c, id(1), T, T0 + 50); // after the verdict: invalid too
        for (PeerId p : List.of(a, b, c)) {
            assertThat(s.score(p)).as("one invalid message: 1^2 x -1 x 0.5").isCloseTo(-0.5, within(1e-9));
        }
        for (int i = 2; i <= 3; i++) {
            s.validating(id(i), T0);
            s.reject(a, id(i), T, PeerScore.Rejection.INVALID, T0);
        }
        assertThat(s.score(a)).isCloseTo(-4.5, within(1e-9)); // 3^2 x -1 x 0.5

        s.validating(id(9), T0);
        s.duplicate(b, id(9), T, T0);
        s.reject(c, id(9), T, PeerScore.Rejection.IGNORED, T0);
        assertThat(s.score(b)).isCloseTo(-0.5, within(1e-9));
        assertThat(s.score(c)).isCloseTo(-0.5, within(1e-9));
    }

    @Test
    void p5IsTheApplicationsScoreTimesItsWeight() {
        PeerId liked = PeerId.random();
        PeerScore s = score(PeerScoreParams.defaults()
                .withAppSpecificScore(p -> p.equals(liked) ? 2 : 0)
                .withAppSpecificWeight(10));
        s.addPeer(liked, null);
        assertThat(s.score(liked)).isEqualTo(20.0);
    }

    @Test
    void p6PenalisesPeersBeyondTheThresholdBehindOneAddressUnlessWhitelisted() {
        PeerScore s = score(PeerScoreParams.defaults()
                .withIpColocationFactorThreshold(10)
                .withIpColocationFactorWeight(-5)
                .withIpColocationFactorWhitelist(Set.of("10.0.0.9")));
        List<PeerId> crowd = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            PeerId p = PeerId.random();
            s.addPeer(p, "127.0.0.2");
            crowd.add(p);
        }
        PeerId alone = PeerId.random();
        s.addPeer(alone, "127.0.0.3");
        List<PeerId> trusted = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            PeerId p = PeerId.random();
            s.addPeer(p, "10.0.0.9");
            trusted.add(p);
        }
        // 12 peers on one address, 2 beyond the threshold: 2^2 x -5 each.
        assertThat(crowd).allSatisfy(p -> assertThat(s.score(p)).isEqualTo(-20.0));
        assertThat(s.score(alone)).isZero();
        assertThat(trusted).allSatisfy(p -> assertThat(s.score(p)).isZero());
        s.removePeer(crowd.get(0), T0); // its score is negative: retained, still on the address
        assertThat(s.score(crowd.get(1))).isEqualTo(-20.0);
    }

    @Test
    void p7BehaviourPenaltyIsSquaredBeyondItsThresholdAndDecays() {
        PeerScore s = score(PeerScoreParams.defaults()
                .withBehaviourPenaltyThreshold(1)
                .withBehaviourPenaltyWeight(-10)
                .withBehaviourPenaltyDecay(0.2));
        PeerId p = PeerId.random();
        s.addPeer(p, null);
        s.addPenalty(p, 3);
        assertThat(s.score(p)).isEqualTo(-40.0); // (3 - 1)^2 x -10
        s.refresh(T0);
        // 0.6 is below the threshold: no penalty
        assertThat(s.score(p)).isZero();
        assertThat(s.behaviourPenalty(p)).isCloseTo(0.6, within(1e-9));
    }

    @Test
    void aBadScoreSurvivesReconnectionButAGoodOneIsForgotten() {
        PeerId good = PeerId.random();
        PeerScore s = score(PeerScoreParams.defaults()
                .withAppSpecificScore(p -> p.equals(good) ? 1 : 0)
                .withRetainScore(Duration.ofMinutes(10)));
        PeerId bad = PeerId.random();
        s.addPeer(bad, null);
        s.addPeer(good, null);
        s.addPenalty(bad, 2);
        s.addPenalty(good, 0.5);
        s.removePeer(bad, T0);
        s.removePeer(good, T0);
        s.addPeer(bad, null);
        s.addPeer(good, null);
        assertThat(s.score(bad)).isEqualTo(-40.0);
        assertThat(s.behaviourPenalty(good)).isZero();

        s.removePeer(bad, T0);
        s.refresh(T0 + Duration.ofMinutes(11).toMillis());
        assertThat(s.trackedPeers()).isEqualTo(1); // only good, still connected
    }

    @Test
    void retainedScoresAreBounded() {
        PeerScore s = new PeerScore(PeerScoreParams.defaults(), 120_000, 10_000, 3);
        for (int i = 0; i < 10; i++) {
            PeerId p = PeerId.random();
            s.addPeer(p, null);
            s.addPenalty(p, 1);
            s.removePeer(p, T0);
        }
        assertThat(s.trackedPeers()).isEqualTo(3);
    }

    @Test
    void parametersAreValidated() {
        assertThatThrownBy(() -> TopicScoreParams.defaults().withMeshMessageDeliveriesWeight(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("meshMessageDeliveriesWeight");
        assertThatThrownBy(() -> PeerScoreParams.defaults().withDecayInterval(Duration.ofMillis(10)))
                .hasMessageContaining("decayInterval");
        assertThatThrownBy(() -> PeerScoreThresholds.defaults().withPublishThreshold(0))
                .hasMessageContaining("publishThreshold");
        assertThatThrownBy(() -> GossipsubConfig.defaults().withDLo(7)).hasMessageContaining("D_lo");
        assertThat(PeerScoreParams.defaults()
                        .withTopic(T, TopicScoreParams.defaults())
                        .topics())
                .isEqualTo(Map.of(T, TopicScoreParams.defaults()));
    }
}
