package io.servent.p2p.gossipsub;

/**
 * Bounds on everything a remote peer controls and every queue a {@link Gossipsub} keeps. Each is
 * checked before anything is allocated for it. Immutable; change one value with its {@code withX}.
 *
 * @param maxRpcSize bytes of one RPC, read or written (1 MiB, as go and js)
 * @param maxSubscriptionsPerRpc subscription changes in one received RPC
 * @param maxMessagesPerRpc messages in one received RPC
 * @param maxControlEntriesPerRpc entries of each control kind (IHAVE, IWANT, GRAFT, PRUNE,
 *     IDONTWANT) in one received RPC
 * @param maxMessageIdsPerEntry message ids in one received IHAVE, IWANT or IDONTWANT entry
 * @param maxPeersPerPrune peer records in one received PRUNE
 * @param maxTopicLength bytes of a topic name
 * @param maxTopicsPerPeer topics one peer may be subscribed to in our view; further subscriptions
 *     are ignored
 * @param maxMessageIdLength bytes of a message id, derived or advertised; longer ones mark the
 *     message invalid
 * @param routerQueueSize work items waiting for the router thread; the peers' readers wait while
 *     it is full
 * @param routerQueueBytes bytes of received RPCs waiting for the router thread; the peers' readers
 *     wait while they would exceed it
 * @param peerQueueBytes bytes of RPCs queued for one peer; RPCs beyond are dropped and counted
 * @param validationQueueSize messages waiting for their signature check and validator; beyond, new
 *     messages are ignored (validation throttled)
 * @param validationQueueBytes bytes of messages waiting for their signature check and validator;
 *     beyond, new messages are ignored
 * @param validationThreads threads checking signatures and running validators
 * @param subscriptionQueueSize messages one subscription holds for the application; beyond, the
 *     oldest is dropped and counted
 * @param maxSeenMessages message ids remembered to drop duplicates; beyond, the oldest are
 *     forgotten before their TTL
 * @param maxRetainedPeerScores scores of disconnected peers kept for their return
 */
public record GossipsubLimits(
        int maxRpcSize,
        int maxSubscriptionsPerRpc,
        int maxMessagesPerRpc,
        int maxControlEntriesPerRpc,
        int maxMessageIdsPerEntry,
        int maxPeersPerPrune,
        int maxTopicLength,
        int maxTopicsPerPeer,
        int maxMessageIdLength,
        int routerQueueSize,
        int routerQueueBytes,
        int peerQueueBytes,
        int validationQueueSize,
        int validationQueueBytes,
        int validationThreads,
        int subscriptionQueueSize,
        int maxSeenMessages,
        int maxRetainedPeerScores) {
    private static void requireAtLeast(String name, long value, long least) {
        GossipsubConfig.requireAtLeast(name, value, least);
    }

    public GossipsubLimits {
        requireAtLeast("maxRpcSize", maxRpcSize, 1024);
        requireAtLeast("maxSubscriptionsPerRpc", maxSubscriptionsPerRpc, 1);
        requireAtLeast("maxMessagesPerRpc", maxMessagesPerRpc, 1);
        requireAtLeast("maxControlEntriesPerRpc", maxControlEntriesPerRpc, 1);
        requireAtLeast("maxMessageIdsPerEntry", maxMessageIdsPerEntry, 1);
        requireAtLeast("maxPeersPerPrune", maxPeersPerPrune, 0);
        requireAtLeast("maxTopicLength", maxTopicLength, 1);
        requireAtLeast("maxTopicsPerPeer", maxTopicsPerPeer, 1);
        requireAtLeast("maxMessageIdLength", maxMessageIdLength, 32);
        requireAtLeast("routerQueueSize", routerQueueSize, 16);
        requireAtLeast("routerQueueBytes", routerQueueBytes, maxRpcSize);
        if (peerQueueBytes < maxRpcSize) {
            throw new IllegalArgumentException("peerQueueBytes (" + peerQueueBytes
                    + ") must hold at least one RPC of maxRpcSize (" + maxRpcSize + ")");
        }
        requireAtLeast("validationQueueSize", validationQueueSize, 1);
        requireAtLeast("validationQueueBytes", validationQueueBytes, maxRpcSize);
        requireAtLeast("validationThreads", validationThreads, 1);
        requireAtLeast("subscriptionQueueSize", subscriptionQueueSize, 1);
        requireAtLeast("maxSeenMessages", maxSeenMessages, 1024);
        requireAtLeast("maxRetainedPeerScores", maxRetainedPeerScores, 0);
    }

    /** The defaults of go-libp2p-pubsub and js-libp2p gossipsub. */
    public static GossipsubLimits defaults() {
        return new GossipsubLimits(
                1 << 20,
                5000,
                5000,
                5000,
                5000,
                64,
                1024,
                1024,
                2048,
                4096,
                64 << 20,
                4 << 20,
                4096,
                64 << 20,
                Math.max(1, Runtime.getRuntime().availableProcessors()),
                1024,
                1 << 18,
                4096);
    }

    public GossipsubLimits withMaxRpcSize(int value) {
        Builder b = new Builder(this);
        b.maxRpcSize = value;
        return b.build();
    }

    public GossipsubLimits withMaxSubscriptionsPerRpc(int value) {
        Builder b = new Builder(this);
        b.maxSubscriptionsPerRpc = value;
        return b.build();
    }

    public GossipsubLimits withMaxMessagesPerRpc(int value) {
        Builder b = new Builder(this);
        b.maxMessagesPerRpc = value;
        return b.build();
    }

    public GossipsubLimits withMaxControlEntriesPerRpc(int value) {
        Builder b = new Builder(this);
        b.maxControlEntriesPerRpc = value;
        return b.build();
    }

    public GossipsubLimits withMaxMessageIdsPerEntry(int value) {
        Builder b = new Builder(this);
        b.maxMessageIdsPerEntry = value;
        return b.build();
    }

    public GossipsubLimits withMaxPeersPerPrune(int value) {
        Builder b = new Builder(this);
        b.maxPeersPerPrune = value;
        return b.build();
    }

    public GossipsubLimits withMaxTopicLength(int value) {
        Builder b = new Builder(this);
        b.maxTopicLength = value;
        return b.build();
    }

    public GossipsubLimits withMaxTopicsPerPeer(int value) {
        Builder b = new Builder(this);
        b.maxTopicsPerPeer = value;
        return b.build();
    }

    public GossipsubLimits withMaxMessageIdLength(int value) {
        Builder b = new Builder(this);
        b.maxMessageIdLength = value;
        return b.build();
    }

    public GossipsubLimits withRouterQueueSize(int value) {
        Builder b = new Builder(this);
        b.routerQueueSize = value;
        return b.build();
    }

    public GossipsubLimits withRouterQueueBytes(int value) {
        Builder b = new Builder(this);
        b.routerQueueBytes = value;
        return b.build();
    }

    public GossipsubLimits withPeerQueueBytes(int value) {
        Builder b = new Builder(this);
        b.peerQueueBytes = value;
        return b.build();
    }

    public GossipsubLimits withValidationQueueSize(int value) {
        Builder b = new Builder(this);
        b.validationQueueSize = value;
        return b.build();
    }

    public GossipsubLimits withValidationQueueBytes(int value) {
        Builder b = new Builder(this);
        b.validationQueueBytes = value;
        return b.build();
    }

    public GossipsubLimits withValidationThreads(int value) {
        Builder b = new Builder(this);
        b.validationThreads = value;
        return b.build();
    }

    public GossipsubLimits withSubscriptionQueueSize(int value) {
        Builder b = new Builder(this);
        b.subscriptionQueueSize = value;
        return b.build();
    }

    public GossipsubLimits withMaxSeenMessages(int value) {
        Builder b = new Builder(this);
        b.maxSeenMessages = value;
        return b.build();
    }

    public GossipsubLimits withMaxRetainedPeerScores(int value) {
        Builder b = new Builder(this);
        b.maxRetainedPeerScores = value;
        return b.build();
    }

    /** Copies every component, so each {@code withX} changes one. */
    private static final class Builder {
        private int maxRpcSize;
        private int maxSubscriptionsPerRpc;
        private int maxMessagesPerRpc;
        private int maxControlEntriesPerRpc;
        private int maxMessageIdsPerEntry;
        private int maxPeersPerPrune;
        private int maxTopicLength;
        private int maxTopicsPerPeer;
        private int maxMessageIdLength;
        private int routerQueueSize;
        private int routerQueueBytes;
        private int peerQueueBytes;
        private int validationQueueSize;
        private int validationQueueBytes;
        private int validationThreads;
        private int subscriptionQueueSize;
        private int maxSeenMessages;
        private int maxRetainedPeerScores;

        Builder(GossipsubLimits from) {
            this.maxRpcSize = from.maxRpcSize;
            this.maxSubscriptionsPerRpc = from.maxSubscriptionsPerRpc;
            this.maxMessagesPerRpc = from.maxMessagesPerRpc;
            this.maxControlEntriesPerRpc = from.maxControlEntriesPerRpc;
            this.maxMessageIdsPerEntry = from.maxMessageIdsPerEntry;
            this.maxPeersPerPrune = from.maxPeersPerPrune;
            this.maxTopicLength = from.maxTopicLength;
            this.maxTopicsPerPeer = from.maxTopicsPerPeer;
            this.maxMessageIdLength = from.maxMessageIdLength;
            this.routerQueueSize = from.routerQueueSize;
            this.routerQueueBytes = from.routerQueueBytes;
            this.peerQueueBytes = from.peerQueueBytes;
            this.validationQueueSize = from.validationQueueSize;
            this.validationQueueBytes = from.validationQueueBytes;
            this.validationThreads = from.validationThreads;
            this.subscriptionQueueSize = from.subscriptionQueueSize;
            this.maxSeenMessages = from.maxSeenMessages;
            this.maxRetainedPeerScores = from.maxRetainedPeerScores;
        }

        GossipsubLimits build() {
            return new GossipsubLimits(
                    maxRpcSize,
                    maxSubscriptionsPerRpc,
                    maxMessagesPerRpc,
                    maxControlEntriesPerRpc,
                    maxMessageIdsPerEntry,
                    maxPeersPerPrune,
                    maxTopicLength,
                    maxTopicsPerPeer,
                    maxMessageIdLength,
                    routerQueueSize,
                    routerQueueBytes,
                    peerQueueBytes,
                    validationQueueSize,
                    validationQueueBytes,
                    validationThreads,
                    subscriptionQueueSize,
                    maxSeenMessages,
                    maxRetainedPeerScores);
        }
    }
}
