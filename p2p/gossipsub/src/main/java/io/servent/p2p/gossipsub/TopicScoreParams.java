package io.servent.p2p.gossipsub;

import java.time.Duration;

/**
 * How one topic counts in a peer's score (P1 to P4 of gossipsub v1.1). The defaults are js-libp2p's
 * example values: tune the P3 threshold to the topic's message rate, or a quiet topic will push its
 * mesh peers' scores below zero. Immutable; change one value with its {@code withX}.
 *
 * @param topicWeight how much this topic's score counts, at least 0
 * @param timeInMeshWeight the weight of P1 (time in mesh), at least 0
 * @param timeInMeshQuantum P1 counts time in mesh in these units
 * @param timeInMeshCap the most P1 counts
 * @param firstMessageDeliveriesWeight the weight of P2 (messages the peer delivered first), at
 *     least 0
 * @param firstMessageDeliveriesDecay the factor P2's counter decays by per decay interval
 * @param firstMessageDeliveriesCap the most P2's counter reaches
 * @param meshMessageDeliveriesWeight the weight of P3 (the square of a mesh peer's delivery
 *     deficit), at most 0
 * @param meshMessageDeliveriesDecay the factor P3's counter decays by per decay interval
 * @param meshMessageDeliveriesCap the most P3's counter reaches
 * @param meshMessageDeliveriesThreshold a mesh peer delivering fewer (decayed) messages than this
 *     has a deficit
 * @param meshMessageDeliveriesWindow a duplicate arriving this soon after the first copy still
 *     counts for P3
 * @param meshMessageDeliveriesActivation P3 applies only after a peer has been this long in the
 *     mesh
 * @param meshFailurePenaltyWeight the weight of P3b (the deficit a peer left the mesh with), at
 *     most 0
 * @param meshFailurePenaltyDecay the factor P3b's counter decays by per decay interval
 * @param invalidMessageDeliveriesWeight the weight of P4 (the square of invalid messages
 *     delivered), at most 0
 * @param invalidMessageDeliveriesDecay the factor P4's counter decays by per decay interval
 */
public record TopicScoreParams(
        double topicWeight,
        double timeInMeshWeight,
        Duration timeInMeshQuantum,
        double timeInMeshCap,
        double firstMessageDeliveriesWeight,
        double firstMessageDeliveriesDecay,
        double firstMessageDeliveriesCap,
        double meshMessageDeliveriesWeight,
        double meshMessageDeliveriesDecay,
        double meshMessageDeliveriesCap,
        double meshMessageDeliveriesThreshold,
        Duration meshMessageDeliveriesWindow,
        Duration meshMessageDeliveriesActivation,
        double meshFailurePenaltyWeight,
        double meshFailurePenaltyDecay,
        double invalidMessageDeliveriesWeight,
        double invalidMessageDeliveriesDecay) {
    private static void requireDecay(String name, double value) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be within (0, 1): " + value);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    public TopicScoreParams {
        if (topicWeight < 0) {
            throw new IllegalArgumentException("topicWeight must be at least 0: " + topicWeight);
        }
        if (timeInMeshWeight < 0) {
            throw new IllegalArgumentException("timeInMeshWeight must be at least 0: " + timeInMeshWeight);
        }
        if (timeInMeshWeight != 0
                && (timeInMeshQuantum.isZero() || timeInMeshQuantum.isNegative() || timeInMeshCap <= 0)) {
            throw new IllegalArgumentException("timeInMeshQuantum and timeInMeshCap must be positive");
        }
        if (firstMessageDeliveriesWeight < 0) {
            throw new IllegalArgumentException(
                    "firstMessageDeliveriesWeight must be at least 0: " + firstMessageDeliveriesWeight);
        }
        if (firstMessageDeliveriesWeight != 0) {
            requireDecay("firstMessageDeliveriesDecay", firstMessageDeliveriesDecay);
            requirePositive("firstMessageDeliveriesCap", firstMessageDeliveriesCap);
        }
        if (meshMessageDeliveriesWeight > 0) {
            throw new IllegalArgumentException(
                    "meshMessageDeliveriesWeight must be at most 0: " + meshMessageDeliveriesWeight);
        }
        if (meshMessageDeliveriesWeight != 0) {
            requireDecay("meshMessageDeliveriesDecay", meshMessageDeliveriesDecay);
            requirePositive("meshMessageDeliveriesCap", meshMessageDeliveriesCap);
            requirePositive("meshMessageDeliveriesThreshold", meshMessageDeliveriesThreshold);
            if (meshMessageDeliveriesActivation.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(
                        "meshMessageDeliveriesActivation must be at least 1 s: " + meshMessageDeliveriesActivation);
            }
        }
        if (meshMessageDeliveriesWindow.isNegative()) {
            throw new IllegalArgumentException(
                    "meshMessageDeliveriesWindow must not be negative: " + meshMessageDeliveriesWindow);
        }
        if (meshFailurePenaltyWeight > 0) {
            throw new IllegalArgumentException(
                    "meshFailurePenaltyWeight must be at most 0: " + meshFailurePenaltyWeight);
        }
        if (meshFailurePenaltyWeight != 0) {
            requireDecay("meshFailurePenaltyDecay", meshFailurePenaltyDecay);
        }
        if (invalidMessageDeliveriesWeight > 0) {
            throw new IllegalArgumentException(
                    "invalidMessageDeliveriesWeight must be at most 0: " + invalidMessageDeliveriesWeight);
        }
        requireDecay("invalidMessageDeliveriesDecay", invalidMessageDeliveriesDecay);
    }

    /** The defaults of go-libp2p-pubsub and js-libp2p gossipsub. */
    public static TopicScoreParams defaults() {
        return new TopicScoreParams(
                0.5,
                1,
                Duration.ofSeconds(1),
                3600,
                1,
                0.5,
                2000,
                -1,
                0.5,
                100,
                20,
                Duration.ofMillis(10),
                Duration.ofSeconds(5),
                -1,
                0.5,
                -1,
                0.3);
    }

    public TopicScoreParams withTopicWeight(double value) {
        Builder b = new Builder(this);
        b.topicWeight = value;
        return b.build();
    }

    public TopicScoreParams withTimeInMeshWeight(double value) {
        Builder b = new Builder(this);
        b.timeInMeshWeight = value;
        return b.build();
    }

    public TopicScoreParams withTimeInMeshQuantum(Duration value) {
        Builder b = new Builder(this);
        b.timeInMeshQuantum = value;
        return b.build();
    }

    public TopicScoreParams withTimeInMeshCap(double value) {
        Builder b = new Builder(this);
        b.timeInMeshCap = value;
        return b.build();
    }

    public TopicScoreParams withFirstMessageDeliveriesWeight(double value) {
        Builder b = new Builder(this);
        b.firstMessageDeliveriesWeight = value;
        return b.build();
    }

    public TopicScoreParams withFirstMessageDeliveriesDecay(double value) {
        Builder b = new Builder(this);
        b.firstMessageDeliveriesDecay = value;
        return b.build();
    }

    public TopicScoreParams withFirstMessageDeliveriesCap(double value) {
        Builder b = new Builder(this);
        b.firstMessageDeliveriesCap = value;
        return b.build();
    }

    public TopicScoreParams withMeshMessageDeliveriesWeight(double value) {
        Builder b = new Builder(this);
        b.meshMessageDeliveriesWeight = value;
        return b.build();
    }

    public TopicScoreParams withMeshMessageDeliveriesDecay(double value) {
        Builder b = new Builder(this);
        b.meshMessageDeliveriesDecay = value;
        return b.build();
    }

    public TopicScoreParams withMeshMessageDeliveriesCap(double value) {
        Builder b = new Builder(this);
        b.meshMessageDeliveriesCap = value;
        return b.build();
    }

    public TopicScoreParams withMeshMessageDeliveriesThreshold(double value) {
        Builder b = new Builder(this);
        b.meshMessageDeliveriesThreshold = value;
        return b.build();
    }

    public TopicScoreParams withMeshMessageDeliveriesWindow(Duration value) {
        Builder b = new Builder(this);
        b.meshMessageDeliveriesWindow = value;
        return b.build();
    }

    public TopicScoreParams withMeshMessageDeliveriesActivation(Duration value) {
        Builder b = new Builder(this);
        b.meshMessageDeliveriesActivation = value;
        return b.build();
    }

    public TopicScoreParams withMeshFailurePenaltyWeight(double value) {
        Builder b = new Builder(this);
        b.meshFailurePenaltyWeight = value;
        return b.build();
    }

    public TopicScoreParams withMeshFailurePenaltyDecay(double value) {
        Builder b = new Builder(this);
        b.meshFailurePenaltyDecay = value;
        return b.build();
    }

    public TopicScoreParams withInvalidMessageDeliveriesWeight(double value) {
        Builder b = new Builder(this);
        b.invalidMessageDeliveriesWeight = value;
        return b.build();
    }

    public TopicScoreParams withInvalidMessageDeliveriesDecay(double value) {
        Builder b = new Builder(this);
        b.invalidMessageDeliveriesDecay = value;
        return b.build();
    }

    /** Copies every component, so each {@code withX} changes one. */
    private static final class Builder {
        private double topicWeight;
        private double timeInMeshWeight;
        private Duration timeInMeshQuantum;
        private double timeInMeshCap;
        private double firstMessageDeliveriesWeight;
        private double firstMessageDeliveriesDecay;
        private double firstMessageDeliveriesCap;
        private double meshMessageDeliveriesWeight;
        private double meshMessageDeliveriesDecay;
        private double meshMessageDeliveriesCap;
        private double meshMessageDeliveriesThreshold;
        private Duration meshMessageDeliveriesWindow;
        private Duration meshMessageDeliveriesActivation;
        private double meshFailurePenaltyWeight;
        private double meshFailurePenaltyDecay;
        private double invalidMessageDeliveriesWeight;
        private double invalidMessageDeliveriesDecay;

        Builder(TopicScoreParams from) {
            this.topicWeight = from.topicWeight;
            this.timeInMeshWeight = from.timeInMeshWeight;
            this.timeInMeshQuantum = from.timeInMeshQuantum;
            this.timeInMeshCap = from.timeInMeshCap;
            this.firstMessageDeliveriesWeight = from.firstMessageDeliveriesWeight;
            this.firstMessageDeliveriesDecay = from.firstMessageDeliveriesDecay;
            this.firstMessageDeliveriesCap = from.firstMessageDeliveriesCap;
            this.meshMessageDeliveriesWeight = from.meshMessageDeliveriesWeight;
            this.meshMessageDeliveriesDecay = from.meshMessageDeliveriesDecay;
            this.meshMessageDeliveriesCap = from.meshMessageDeliveriesCap;
            this.meshMessageDeliveriesThreshold = from.meshMessageDeliveriesThreshold;
            this.meshMessageDeliveriesWindow = from.meshMessageDeliveriesWindow;
            this.meshMessageDeliveriesActivation = from.meshMessageDeliveriesActivation;
            this.meshFailurePenaltyWeight = from.meshFailurePenaltyWeight;
            this.meshFailurePenaltyDecay = from.meshFailurePenaltyDecay;
            this.invalidMessageDeliveriesWeight = from.invalidMessageDeliveriesWeight;
            this.invalidMessageDeliveriesDecay = from.invalidMessageDeliveriesDecay;
        }

        TopicScoreParams build() {
            return new TopicScoreParams(
                    topicWeight,
                    timeInMeshWeight,
                    timeInMeshQuantum,
                    timeInMeshCap,
                    firstMessageDeliveriesWeight,
                    firstMessageDeliveriesDecay,
                    firstMessageDeliveriesCap,
                    meshMessageDeliveriesWeight,
                    meshMessageDeliveriesDecay,
                    meshMessageDeliveriesCap,
                    meshMessageDeliveriesThreshold,
                    meshMessageDeliveriesWindow,
                    meshMessageDeliveriesActivation,
                    meshFailurePenaltyWeight,
                    meshFailurePenaltyDecay,
                    invalidMessageDeliveriesWeight,
                    invalidMessageDeliveriesDecay);
        }
    }
}
