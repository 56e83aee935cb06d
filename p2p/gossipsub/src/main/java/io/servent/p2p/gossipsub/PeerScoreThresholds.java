package io.servent.p2p.gossipsub;

/**
 * The scores at which a gossipsub router stops trusting a peer with gossip, with our messages,
 * with anything at all (graylisting), and with peer exchange. Immutable; change one value with its
 * {@code withX}.
 *
 * @param gossipThreshold below this, a peer gets no gossip from us and its gossip is ignored; at
 *     most 0
 * @param publishThreshold below this, our own messages do not go to the peer; at most the gossip
 *     threshold
 * @param graylistThreshold below this, every RPC from the peer is ignored; at most the publish
 *     threshold
 * @param acceptPxThreshold peers exchanged in a PRUNE are dialed only if the pruning peer scores
 *     this much; at least 0
 * @param opportunisticGraftThreshold opportunistic grafting starts when the median mesh score
 *     falls below this; at least 0
 */
public record PeerScoreThresholds(
        double gossipThreshold,
        double publishThreshold,
        double graylistThreshold,
        double acceptPxThreshold,
        double opportunisticGraftThreshold) {

    public PeerScoreThresholds {
        if (gossipThreshold > 0) {
            throw new IllegalArgumentException("gossipThreshold must be at most 0: " + gossipThreshold);
        }
        if (publishThreshold > gossipThreshold) {
            throw new IllegalArgumentException("publishThreshold must be at most gossipThreshold: " + publishThreshold);
        }
        if (graylistThreshold > publishThreshold) {
            throw new IllegalArgumentException(
                    "graylistThreshold must be at most publishThreshold: " + graylistThreshold);
        }
        if (acceptPxThreshold < 0) {
            throw new IllegalArgumentException("acceptPxThreshold must be at least 0: " + acceptPxThreshold);
        }
        if (opportunisticGraftThreshold < 0) {
            throw new IllegalArgumentException(
                    "opportunisticGraftThreshold must be at least 0: " + opportunisticGraftThreshold);
        }
    }

    /** The defaults of go-libp2p-pubsub and js-libp2p gossipsub. */
    public static PeerScoreThresholds defaults() {
        return new PeerScoreThresholds(-10, -50, -80, 10, 20);
    }

    public PeerScoreThresholds withGossipThreshold(double value) {
        Builder b = new Builder(this);
        b.gossipThreshold = value;
        return b.build();
    }

    public PeerScoreThresholds withPublishThreshold(double value) {
        Builder b = new Builder(this);
        b.publishThreshold = value;
        return b.build();
    }

    public PeerScoreThresholds withGraylistThreshold(double value) {
        Builder b = new Builder(this);
        b.graylistThreshold = value;
        return b.build();
    }

    public PeerScoreThresholds withAcceptPxThreshold(double value) {
        Builder b = new Builder(this);
        b.acceptPxThreshold = value;
        return b.build();
    }

    public PeerScoreThresholds withOpportunisticGraftThreshold(double value) {
        Builder b = new Builder(this);
        b.opportunisticGraftThreshold = value;
        return b.build();
    }

    /** Copies every component, so each {@code withX} changes one. */
    private static final class Builder {
        private double gossipThreshold;
        private double publishThreshold;
        private double graylistThreshold;
        private double acceptPxThreshold;
        private double opportunisticGraftThreshold;

        Builder(PeerScoreThresholds from) {
            this.gossipThreshold = from.gossipThreshold;
            this.publishThreshold = from.publishThreshold;
            this.graylistThreshold = from.graylistThreshold;
            this.acceptPxThreshold = from.acceptPxThreshold;
            this.opportunisticGraftThreshold = from.opportunisticGraftThreshold;
        }

        PeerScoreThresholds build() {
            return new PeerScoreThresholds(
                    gossipThreshold,
                    publishThreshold,
                    graylistThreshold,
                    acceptPxThreshold,
                    opportunisticGraftThreshold);
        }
    }
}
