package io.servent.p2p.gossipsub;

import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The weights of gossipsub v1.1 peer scoring. A peer's score is the capped sum over topics of
 * {@code topicWeight × (P1 w1 + P2 w2 + P3 w3 + P3b w3b + P4 w4)} plus {@code P5 w5 + P6 w6 + P7 w7}.
 * The defaults are js-libp2p's: no topic is scored until given {@link TopicScoreParams}, so only P5
 * to P7 count. Immutable; change one value with its {@code withX}.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/gossipsub/gossipsub-v1.1.md#peer-scoring">peer scoring</a>
 *
 * @param topics score parameters per topic; topics without any add nothing to P1 to P4
 * @param topicScoreCap caps the sum of the weighted topic scores; 0 for no cap
 * @param appSpecificScore P5: the application's own score for a peer; called on the router thread,
 *     so it must be fast
 * @param appSpecificWeight the weight of P5
 * @param ipColocationFactorWeight the weight of P6, at most 0: penalises many peers behind one IP
 *     address
 * @param ipColocationFactorThreshold P6 is the square of the number of peers from one IP beyond
 *     this many
 * @param ipColocationFactorWhitelist IP addresses (as written in multiaddrs) P6 ignores
 * @param behaviourPenaltyWeight the weight of P7, at most 0: broken IWANT promises and GRAFTs
 *     during backoff
 * @param behaviourPenaltyThreshold P7 is the square of the penalty counter beyond this
 * @param behaviourPenaltyDecay the factor P7's counter decays by per decay interval
 * @param decayInterval how often the counters decay
 * @param decayToZero a decayed counter below this becomes zero
 * @param retainScore how long a disconnected peer's score is remembered, so leaving does not clear
 *     a bad one
 */
public record PeerScoreParams(
        Map<String, TopicScoreParams> topics,
        double topicScoreCap,
        ToDoubleFunction<PeerId> appSpecificScore,
        double appSpecificWeight,
        double ipColocationFactorWeight,
        double ipColocationFactorThreshold,
        Set<String> ipColocationFactorWhitelist,
        double behaviourPenaltyWeight,
        double behaviourPenaltyThreshold,
        double behaviourPenaltyDecay,
        Duration decayInterval,
        double decayToZero,
        Duration retainScore) {

    public PeerScoreParams {
        topics = Map.copyOf(topics);
        ipColocationFactorWhitelist = Set.copyOf(ipColocationFactorWhitelist);
        if (topicScoreCap < 0) {
            throw new IllegalArgumentException("topicScoreCap must not be negative (0 for no cap): " + topicScoreCap);
        }
        if (ipColocationFactorWeight > 0) {
            throw new IllegalArgumentException(
                    "ipColocationFactorWeight must be at most 0: " + ipColocationFactorWeight);
        }
        if (ipColocationFactorWeight != 0 && ipColocationFactorThreshold < 1) {
            throw new IllegalArgumentException(
                    "ipColocationFactorThreshold must be at least 1: " + ipColocationFactorThreshold);
        }
        if (behaviourPenaltyWeight > 0) {
            throw new IllegalArgumentException("behaviourPenaltyWeight must be at most 0: " + behaviourPenaltyWeight);
        }
        if (behaviourPenaltyWeight != 0 && !(behaviourPenaltyDecay > 0 && behaviourPenaltyDecay < 1)) {
            throw new IllegalArgumentException("behaviourPenaltyDecay must be within (0, 1): " + behaviourPenaltyDecay);
        }
        if (decayInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("decayInterval must be at least 1 s: " + decayInterval);
        }
        if (!(decayToZero > 0 && decayToZero < 1)) {
            throw new IllegalArgumentException("decayToZero must be within (0, 1): " + decayToZero);
        }
        if (retainScore.isNegative()) {
            throw new IllegalArgumentException("retainScore must not be negative: " + retainScore);
        }
    }

    /** The defaults of go-libp2p-pubsub and js-libp2p gossipsub. */
    public static PeerScoreParams defaults() {
        return new PeerScoreParams(
                Map.of(),
                10,
                peer -> 0,
                10,
                -5,
                10,
                Set.of(),
                -10,
                0,
                0.2,
                Duration.ofSeconds(1),
                0.1,
                Duration.ofHours(1));
    }

    public PeerScoreParams withTopics(Map<String, TopicScoreParams> value) {
        Builder b = new Builder(this);
        b.topics = value;
        return b.build();
    }

    public PeerScoreParams withTopicScoreCap(double value) {
        Builder b = new Builder(this);
        b.topicScoreCap = value;
        return b.build();
    }

    public PeerScoreParams withAppSpecificScore(ToDoubleFunction<PeerId> value) {
        Builder b = new Builder(this);
        b.appSpecificScore = value;
        return b.build();
    }

    public PeerScoreParams withAppSpecificWeight(double value) {
        Builder b = new Builder(this);
        b.appSpecificWeight = value;
        return b.build();
    }

    public PeerScoreParams withIpColocationFactorWeight(double value) {
        Builder b = new Builder(this);
        b.ipColocationFactorWeight = value;
        return b.build();
    }

    public PeerScoreParams withIpColocationFactorThreshold(double value) {
        Builder b = new Builder(this);
        b.ipColocationFactorThreshold = value;
        return b.build();
    }

    public PeerScoreParams withIpColocationFactorWhitelist(Set<String> value) {
        Builder b = new Builder(this);
        b.ipColocationFactorWhitelist = value;
        return b.build();
    }

    public PeerScoreParams withBehaviourPenaltyWeight(double value) {
        Builder b = new Builder(this);
        b.behaviourPenaltyWeight = value;
        return b.build();
    }

    public PeerScoreParams withBehaviourPenaltyThreshold(double value) {
        Builder b = new Builder(this);
        b.behaviourPenaltyThreshold = value;
        return b.build();
    }

    public PeerScoreParams withBehaviourPenaltyDecay(double value) {
        Builder b = new Builder(this);
        b.behaviourPenaltyDecay = value;
        return b.build();
    }

    public PeerScoreParams withDecayInterval(Duration value) {
        Builder b = new Builder(this);
        b.decayInterval = value;
        return b.build();
    }

    public PeerScoreParams withDecayToZero(double value) {
        Builder b = new Builder(this);
        b.decayToZero = value;
        return b.build();
    }

    public PeerScoreParams withRetainScore(Duration value) {
        Builder b = new Builder(this);
        b.retainScore = value;
        return b.build();
    }

    /** These parameters with {@code params} scoring {@code topic}. */
    public PeerScoreParams withTopic(String topic, TopicScoreParams params) {
        Map<String, TopicScoreParams> more = new java.util.HashMap<>(topics);
        more.put(topic, params);
        return withTopics(more);
    }

    /** Copies every component, so each {@code withX} changes one. */
    private static final class Builder {
        private Map<String, TopicScoreParams> topics;
        private double topicScoreCap;
        private ToDoubleFunction<PeerId> appSpecificScore;
        private double appSpecificWeight;
        private double ipColocationFactorWeight;
        private double ipColocationFactorThreshold;
        private Set<String> ipColocationFactorWhitelist;
        private double behaviourPenaltyWeight;
        private double behaviourPenaltyThreshold;
        private double behaviourPenaltyDecay;
        private Duration decayInterval;
        private double decayToZero;
        private Duration retainScore;

        Builder(PeerScoreParams from) {
            this.topics = from.topics;
            this.topicScoreCap = from.topicScoreCap;
            this.appSpecificScore = from.appSpecificScore;
            this.appSpecificWeight = from.appSpecificWeight;
            this.ipColocationFactorWeight = from.ipColocationFactorWeight;
            this.ipColocationFactorThreshold = from.ipColocationFactorThreshold;
            this.ipColocationFactorWhitelist = from.ipColocationFactorWhitelist;
            this.behaviourPenaltyWeight = from.behaviourPenaltyWeight;
            this.behaviourPenaltyThreshold = from.behaviourPenaltyThreshold;
            this.behaviourPenaltyDecay = from.behaviourPenaltyDecay;
            this.decayInterval = from.decayInterval;
            this.decayToZero = from.decayToZero;
            this.retainScore = from.retainScore;
        }

        PeerScoreParams build() {
            return new PeerScoreParams(
                    topics,
                    topicScoreCap,
                    appSpecificScore,
                    appSpecificWeight,
                    ipColocationFactorWeight,
                    ipColocationFactorThreshold,
                    ipColocationFactorWhitelist,
                    behaviourPenaltyWeight,
                    behaviourPenaltyThreshold,
                    behaviourPenaltyDecay,
                    decayInterval,
                    decayToZero,
                    retainScore);
        }
    }
}
