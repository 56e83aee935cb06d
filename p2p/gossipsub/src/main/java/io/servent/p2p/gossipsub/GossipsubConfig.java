package io.servent.p2p.gossipsub;

import io.servent.p2p.api.Multiaddr;
import java.time.Duration;
import java.util.List;

/**
 * How a {@link Gossipsub} router behaves: the gossipsub v1.1 parameters, with the defaults of the
 * spec, go-libp2p-pubsub and js-libp2p. Immutable; change one value with its {@code withX}.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/gossipsub/gossipsub-v1.1.md">gossipsub v1.1</a>
 *
 * @param d the desired number of mesh peers per topic (D)
 * @param dLo below this many mesh peers the heartbeat grafts more (D_lo)
 * @param dHi above this many mesh peers the heartbeat prunes down to D (D_hi)
 * @param dScore when pruning, this many of the best-scoring mesh peers are kept (D_score)
 * @param dOut the mesh keeps at least this many peers we dialed, against eclipse by inbound
 *     connections (D_out)
 * @param dLazy the least number of peers gossip (IHAVE) goes to per topic (D_lazy)
 * @param gossipFactor the share of the non-mesh topic peers gossip goes to, when more than D_lazy
 * @param heartbeatInterval how often the mesh is maintained and gossip emitted
 * @param heartbeatInitialDelay the delay before the first heartbeat
 * @param fanoutTtl the fanout of a topic we publish to without subscribing is forgotten after this
 *     long without a publish
 * @param mcacheLength heartbeats a message stays in the message cache, to answer IWANTs
 * @param mcacheGossip heartbeats a message is advertised in IHAVE gossip
 * @param seenTtl how long a message id is remembered to drop duplicates
 * @param pruneBackoff how long a pruned peer must wait before grafting again
 * @param unsubscribeBackoff the backoff our PRUNEs carry when we leave a topic
 * @param peerExchange whether our PRUNEs carry other peers of the topic (PX); enable on
 *     bootstrappers
 * @param prunePeers how many peers a PRUNE with PX carries, and the most dialed from one received
 * @param floodPublish whether our own messages go to every topic peer above the publish threshold,
 *     not just the mesh
 * @param graftFloodThreshold a GRAFT this soon after we pruned the peer costs it an extra
 *     behaviour penalty
 * @param opportunisticGraftTicks heartbeats between opportunistic grafting attempts
 * @param opportunisticGraftPeers peers grafted per opportunistic grafting
 * @param maxIHaveLength the most message ids per IHAVE we send, and that we ask one peer for per
 *     heartbeat
 * @param maxIHaveMessages IHAVE messages from one peer handled per heartbeat
 * @param maxIWantMessages IWANT messages from one peer answered per heartbeat
 * @param iwantFollowupTime how long a peer has to deliver a message we asked for by IWANT before
 *     its promise counts as broken
 * @param gossipRetransmission how often one peer may ask for the same message by IWANT
 * @param directPeers peers (addresses ending in /p2p/) we always forward to and keep connected,
 *     outside the mesh; configure them on both sides
 * @param directConnectTicks heartbeats between reconnection attempts to direct peers
 * @param signaturePolicy whether messages carry their author's signature, required and checked
 * @param messageIdFunction how a message's id is derived; the peers of a topic must agree on it
 * @param emitSelf whether our own published messages are delivered to our own subscriptions
 * @param scoreParams peer scoring weights and decay
 * @param scoreThresholds the scores below which gossip, publishing, all messages and PX are
 *     refused
 * @param limits bounds on what peers may send us and what we queue
 */
public record GossipsubConfig(
        int d,
        int dLo,
        int dHi,
        int dScore,
        int dOut,
        int dLazy,
        double gossipFactor,
        Duration heartbeatInterval,
        Duration heartbeatInitialDelay,
        Duration fanoutTtl,
        int mcacheLength,
        int mcacheGossip,
        Duration seenTtl,
        Duration pruneBackoff,
        Duration unsubscribeBackoff,
        boolean peerExchange,
        int prunePeers,
        boolean floodPublish,
        Duration graftFloodThreshold,
        int opportunisticGraftTicks,
        int opportunisticGraftPeers,
        int maxIHaveLength,
        int maxIHaveMessages,
        int maxIWantMessages,
        Duration iwantFollowupTime,
        int gossipRetransmission,
        List<Multiaddr> directPeers,
        int directConnectTicks,
        SignaturePolicy signaturePolicy,
        MessageIdFunction messageIdFunction,
        boolean emitSelf,
        PeerScoreParams scoreParams,
        PeerScoreThresholds scoreThresholds,
        GossipsubLimits limits) {
    /** The ids of the peers in {@link #directPeers()}. */
    public java.util.Set<io.servent.p2p.api.PeerId> directPeerIds() {
        return directPeers.stream()
                .map(a -> a.peerId().orElseThrow())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    static void requireAtLeast(String name, long value, long least) {
        if (value < least) {
            throw new IllegalArgumentException(name + " must be at least " + least + ", not " + value);
        }
    }

    public GossipsubConfig {
        if (d < 1 || dLo < 1 || dLo > d || dHi < d) {
            throw new IllegalArgumentException(
                    "mesh degrees must satisfy 1 <= D_lo <= D <= D_hi, got D_lo=" + dLo + ", D=" + d + ", D_hi=" + dHi);
        }
        if (dOut < 0 || dOut >= dLo || dOut > d / 2) {
            throw new IllegalArgumentException(
                    "D_out must be below D_lo and at most D/2, got D_out=" + dOut + ", D_lo=" + dLo + ", D=" + d);
        }
        if (dScore < 0 || dScore > d) {
            throw new IllegalArgumentException("D_score must be within [0, D], got " + dScore);
        }
        requireAtLeast("D_lazy", dLazy, 0);
        if (!(gossipFactor >= 0 && gossipFactor <= 1)) {
            throw new IllegalArgumentException("gossipFactor must be within [0, 1], got " + gossipFactor);
        }
        requirePositive("heartbeatInterval", heartbeatInterval);
        if (heartbeatInitialDelay.isNegative()) {
            throw new IllegalArgumentException("heartbeatInitialDelay must not be negative: " + heartbeatInitialDelay);
        }
        requirePositive("fanoutTtl", fanoutTtl);
        if (mcacheGossip < 1 || mcacheGossip > mcacheLength) {
            throw new IllegalArgumentException("the message cache must satisfy 1 <= mcacheGossip <= mcacheLength, got "
                    + mcacheGossip + " and " + mcacheLength);
        }
        requirePositive("seenTtl", seenTtl);
        requirePositive("pruneBackoff", pruneBackoff);
        requirePositive("unsubscribeBackoff", unsubscribeBackoff);
        requireAtLeast("prunePeers", prunePeers, 0);
        requirePositive("graftFloodThreshold", graftFloodThreshold);
        requireAtLeast("opportunisticGraftTicks", opportunisticGraftTicks, 1);
        requireAtLeast("opportunisticGraftPeers", opportunisticGraftPeers, 0);
        requireAtLeast("maxIHaveLength", maxIHaveLength, 1);
        requireAtLeast("maxIHaveMessages", maxIHaveMessages, 1);
        requireAtLeast("maxIWantMessages", maxIWantMessages, 1);
        requirePositive("iwantFollowupTime", iwantFollowupTime);
        requireAtLeast("gossipRetransmission", gossipRetransmission, 1);
        directPeers = List.copyOf(directPeers);
        for (Multiaddr peer : directPeers) {
            if (peer.peerId().isEmpty()) {
                throw new IllegalArgumentException("direct peer addresses must end in /p2p/<peer id>: " + peer);
            }
        }
        requireAtLeast("directConnectTicks", directConnectTicks, 1);
    }

    /** The defaults of go-libp2p-pubsub and js-libp2p gossipsub. */
    public static GossipsubConfig defaults() {
        return new GossipsubConfig(
                6,
                4,
                12,
                4,
                2,
                6,
                0.25,
                Duration.ofSeconds(1),
                Duration.ofMillis(100),
                Duration.ofMinutes(1),
                5,
                3,
                Duration.ofMinutes(2),
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                false,
                16,
                true,
                Duration.ofSeconds(10),
                60,
                2,
                5000,
                10,
                10,
                Duration.ofSeconds(3),
                3,
                List.of(),
                300,
                SignaturePolicy.STRICT_SIGN,
                MessageIdFunction.FROM_AND_SEQNO,
                false,
                PeerScoreParams.defaults(),
                PeerScoreThresholds.defaults(),
                GossipsubLimits.defaults());
    }

    public GossipsubConfig withD(int value) {
        Builder b = new Builder(this);
        b.d = value;
        return b.build();
    }

    public GossipsubConfig withDLo(int value) {
        Builder b = new Builder(this);
        b.dLo = value;
        return b.build();
    }

    public GossipsubConfig withDHi(int value) {
        Builder b = new Builder(this);
        b.dHi = value;
        return b.build();
    }

    public GossipsubConfig withDScore(int value) {
        Builder b = new Builder(this);
        b.dScore = value;
        return b.build();
    }

    public GossipsubConfig withDOut(int value) {
        Builder b = new Builder(this);
        b.dOut = value;
        return b.build();
    }

    public GossipsubConfig withDLazy(int value) {
        Builder b = new Builder(this);
        b.dLazy = value;
        return b.build();
    }

    public GossipsubConfig withGossipFactor(double value) {
        Builder b = new Builder(this);
        b.gossipFactor = value;
        return b.build();
    }

    public GossipsubConfig withHeartbeatInterval(Duration value) {
        Builder b = new Builder(this);
        b.heartbeatInterval = value;
        return b.build();
    }

    public GossipsubConfig withHeartbeatInitialDelay(Duration value) {
        Builder b = new Builder(this);
        b.heartbeatInitialDelay = value;
        return b.build();
    }

    public GossipsubConfig withFanoutTtl(Duration value) {
        Builder b = new Builder(this);
        b.fanoutTtl = value;
        return b.build();
    }

    public GossipsubConfig withMcacheLength(int value) {
        Builder b = new Builder(this);
        b.mcacheLength = value;
        return b.build();
    }

    public GossipsubConfig withMcacheGossip(int value) {
        Builder b = new Builder(this);
        b.mcacheGossip = value;
        return b.build();
    }

    public GossipsubConfig withSeenTtl(Duration value) {
        Builder b = new Builder(this);
        b.seenTtl = value;
        return b.build();
    }

    public GossipsubConfig withPruneBackoff(Duration value) {
        Builder b = new Builder(this);
        b.pruneBackoff = value;
        return b.build();
    }

    public GossipsubConfig withUnsubscribeBackoff(Duration value) {
        Builder b = new Builder(this);
        b.unsubscribeBackoff = value;
        return b.build();
    }

    public GossipsubConfig withPeerExchange(boolean value) {
        Builder b = new Builder(this);
        b.peerExchange = value;
        return b.build();
    }

    public GossipsubConfig withPrunePeers(int value) {
        Builder b = new Builder(this);
        b.prunePeers = value;
        return b.build();
    }

    public GossipsubConfig withFloodPublish(boolean value) {
        Builder b = new Builder(this);
        b.floodPublish = value;
        return b.build();
    }

    public GossipsubConfig withGraftFloodThreshold(Duration value) {
        Builder b = new Builder(this);
        b.graftFloodThreshold = value;
        return b.build();
    }

    public GossipsubConfig withOpportunisticGraftTicks(int value) {
        Builder b = new Builder(this);
        b.opportunisticGraftTicks = value;
        return b.build();
    }

    public GossipsubConfig withOpportunisticGraftPeers(int value) {
        Builder b = new Builder(this);
        b.opportunisticGraftPeers = value;
        return b.build();
    }

    public GossipsubConfig withMaxIHaveLength(int value) {
        Builder b = new Builder(this);
        b.maxIHaveLength = value;
        return b.build();
    }

    public GossipsubConfig withMaxIHaveMessages(int value) {
        Builder b = new Builder(this);
        b.maxIHaveMessages = value;
        return b.build();
    }

    public GossipsubConfig withMaxIWantMessages(int value) {
        Builder b = new Builder(this);
        b.maxIWantMessages = value;
        return b.build();
    }

    public GossipsubConfig withIwantFollowupTime(Duration value) {
        Builder b = new Builder(this);
        b.iwantFollowupTime = value;
        return b.build();
    }

    public GossipsubConfig withGossipRetransmission(int value) {
        Builder b = new Builder(this);
        b.gossipRetransmission = value;
        return b.build();
    }

    public GossipsubConfig withDirectPeers(List<Multiaddr> value) {
        Builder b = new Builder(this);
        b.directPeers = value;
        return b.build();
    }

    public GossipsubConfig withDirectConnectTicks(int value) {
        Builder b = new Builder(this);
        b.directConnectTicks = value;
        return b.build();
    }

    public GossipsubConfig withSignaturePolicy(SignaturePolicy value) {
        Builder b = new Builder(this);
        b.signaturePolicy = value;
        return b.build();
    }

    public GossipsubConfig withMessageIdFunction(MessageIdFunction value) {
        Builder b = new Builder(this);
        b.messageIdFunction = value;
        return b.build();
    }

    public GossipsubConfig withEmitSelf(boolean value) {
        Builder b = new Builder(this);
        b.emitSelf = value;
        return b.build();
    }

    public GossipsubConfig withScoreParams(PeerScoreParams value) {
        Builder b = new Builder(this);
        b.scoreParams = value;
        return b.build();
    }

    public GossipsubConfig withScoreThresholds(PeerScoreThresholds value) {
        Builder b = new Builder(this);
        b.scoreThresholds = value;
        return b.build();
    }

    public GossipsubConfig withLimits(GossipsubLimits value) {
        Builder b = new Builder(this);
        b.limits = value;
        return b.build();
    }

    /** Copies every component, so each {@code withX} changes one. */
    private static final class Builder {
        private int d;
        private int dLo;
        private int dHi;
        private int dScore;
        private int dOut;
        private int dLazy;
        private double gossipFactor;
        private Duration heartbeatInterval;
        private Duration heartbeatInitialDelay;
        private Duration fanoutTtl;
        private int mcacheLength;
        private int mcacheGossip;
        private Duration seenTtl;
        private Duration pruneBackoff;
        private Duration unsubscribeBackoff;
        private boolean peerExchange;
        private int prunePeers;
        private boolean floodPublish;
        private Duration graftFloodThreshold;
        private int opportunisticGraftTicks;
        private int opportunisticGraftPeers;
        private int maxIHaveLength;
        private int maxIHaveMessages;
        private int maxIWantMessages;
        private Duration iwantFollowupTime;
        private int gossipRetransmission;
        private List<Multiaddr> directPeers;
        private int directConnectTicks;
        private SignaturePolicy signaturePolicy;
        private MessageIdFunction messageIdFunction;
        private boolean emitSelf;
        private PeerScoreParams scoreParams;
        private PeerScoreThresholds scoreThresholds;
        private GossipsubLimits limits;

        Builder(GossipsubConfig from) {
            this.d = from.d;
            this.dLo = from.dLo;
            this.dHi = from.dHi;
            this.dScore = from.dScore;
            this.dOut = from.dOut;
            this.dLazy = from.dLazy;
            this.gossipFactor = from.gossipFactor;
            this.heartbeatInterval = from.heartbeatInterval;
            this.heartbeatInitialDelay = from.heartbeatInitialDelay;
            this.fanoutTtl = from.fanoutTtl;
            this.mcacheLength = from.mcacheLength;
            this.mcacheGossip = from.mcacheGossip;
            this.seenTtl = from.seenTtl;
            this.pruneBackoff = from.pruneBackoff;
            this.unsubscribeBackoff = from.unsubscribeBackoff;
            this.peerExchange = from.peerExchange;
            this.prunePeers = from.prunePeers;
            this.floodPublish = from.floodPublish;
            this.graftFloodThreshold = from.graftFloodThreshold;
            this.opportunisticGraftTicks = from.opportunisticGraftTicks;
            this.opportunisticGraftPeers = from.opportunisticGraftPeers;
            this.maxIHaveLength = from.maxIHaveLength;
            this.maxIHaveMessages = from.maxIHaveMessages;
            this.maxIWantMessages = from.maxIWantMessages;
            this.iwantFollowupTime = from.iwantFollowupTime;
            this.gossipRetransmission = from.gossipRetransmission;
            this.directPeers = from.directPeers;
            this.directConnectTicks = from.directConnectTicks;
            this.signaturePolicy = from.signaturePolicy;
            this.messageIdFunction = from.messageIdFunction;
            this.emitSelf = from.emitSelf;
            this.scoreParams = from.scoreParams;
            this.scoreThresholds = from.scoreThresholds;
            this.limits = from.limits;
        }

        GossipsubConfig build() {
            return new GossipsubConfig(
                    d,
                    dLo,
                    dHi,
                    dScore,
                    dOut,
                    dLazy,
                    gossipFactor,
                    heartbeatInterval,
                    heartbeatInitialDelay,
                    fanoutTtl,
                    mcacheLength,
                    mcacheGossip,
                    seenTtl,
                    pruneBackoff,
                    unsubscribeBackoff,
                    peerExchange,
                    prunePeers,
                    floodPublish,
                    graftFloodThreshold,
                    opportunisticGraftTicks,
                    opportunisticGraftPeers,
                    maxIHaveLength,
                    maxIHaveMessages,
                    maxIWantMessages,
                    iwantFollowupTime,
                    gossipRetransmission,
                    directPeers,
                    directConnectTicks,
                    signaturePolicy,
                    messageIdFunction,
                    emitSelf,
                    scoreParams,
                    scoreThresholds,
                    limits);
        }
    }
}
