package io.servent.p2p.gossipsub;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlGraft;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlIHave;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlIWant;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlMessage;
import io.servent.p2p.gossipsub.proto.GossipsubProto.ControlPrune;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import io.servent.p2p.gossipsub.proto.GossipsubProto.PeerInfo;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gossipsub v1.1 router, sans I/O: mesh and fanout maintenance, IHAVE/IWANT gossip, the message
 * and seen caches, PRUNE backoff and peer exchange, flood publishing, direct peers, peer scoring with
 * graylisting. Every input is a method taking the time ({@code now}, milliseconds on any monotonic
 * clock); what the router wants done accumulates as {@link RouterAction}s, taken with
 * {@link #drainActions()}. Its driver is the I/O shell {@link Gossipsub}, or a simulator with a
 * virtual clock and a seeded {@link Random}.
 *
 * <p>Not thread-safe: one thread owns a router (the shell's {@code gossipsub-router} thread).
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/gossipsub/gossipsub-v1.0.md">gossipsub v1.0</a>
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/gossipsub/gossipsub-v1.1.md">gossipsub v1.1</a>
 */
public final class GossipsubRouter {
    private static final Logger log = LoggerFactory.getLogger(GossipsubRouter.class);

    /** Backoffs peers ask for in their PRUNEs are capped here, so a huge value cannot overflow. */
    static final long MAX_BACKOFF_SECONDS = 24 * 3600;

    /** PeerIds are at most 44 bytes (a 42-byte inlined key or a SHA-256 multihash); this leaves room. */
    private static final int MAX_PEER_ID_LENGTH = 128;

    /** Expired backoffs are cleared every this many heartbeats, with one heartbeat of slack. */
    private static final int BACKOFF_CLEAR_TICKS = 15;

    /** A peer we route for: how we reach it and what it subscribed to. */
    private static final class PeerState {
        final String protocol;
        final boolean outbound;
        final ByteString idBytes;
        final Set<String> topics = new HashSet<>();

        PeerState(String protocol, boolean outbound, ByteString idBytes) {
            this.protocol = protocol;
            this.outbound = outbound;
            this.idBytes = idBytes;
        }
    }

    /** A message being validated, and who else sent it meanwhile. */
    private static final class Pending {
        final PeerId source;
        final Message message;
        final String topic;
        /** Other peers that sent exactly this message. */
        final Set<PeerId> sameContent = new LinkedHashSet<>();
        /** Peers that sent a different message with the same id. */
        final Set<PeerId> otherContent = new LinkedHashSet<>();
        /** The first different copy, judged if this one turns out unauthentic. */
        @Nullable
        Message alternative;

        @Nullable
        PeerId alternativeSource;

        Pending(PeerId source, Message message, String topic) {
            this.source = source;
            this.message = message;
            this.topic = topic;
        }

        void duplicate(PeerId from, Message copy) {
            if (from.equals(source)) {
                return;
            }
            if (copy.equals(message)) {
                sameContent.add(from);
            } else {
                otherContent.add(from);
                if (alternative == null) {
                    alternative = copy;
                    alternativeSource = from;
                }
            }
        }

        Set<PeerId> allSenders() {
            Set<PeerId> all = new HashSet<>(sameContent);
            all.addAll(otherContent);
            all.add(source);
            return all;
        }
    }

    /** What {@link #publish} did. */
    public record PublishResult(MessageId id, int recipients, boolean duplicate) {}

    private final PeerId self;
    private final ByteString selfBytes;
    private final GossipsubConfig config;
    private final GossipsubLimits limits;
    private final PeerScoreThresholds thresholds;
    private final Random random;
    private final Set<PeerId> direct;
    private final long heartbeatMillis;
    private final long decayMillis;
    private final long pruneBackoffMillis;
    private final long unsubscribeBackoffMillis;

    private final Map<PeerId, PeerState> peers = new LinkedHashMap<>();
    private final Map<String, Set<PeerId>> topicPeers = new HashMap<>();
    private final Set<String> subscriptions = new LinkedHashSet<>();
    private final Map<String, Integer> maxDataLength = new HashMap<>();
    private final Map<String, Set<PeerId>> mesh = new LinkedHashMap<>();
    private final Map<String, Set<PeerId>> fanout = new LinkedHashMap<>();
    private final Map<String, Long> fanoutLastPublished = new HashMap<>();
    private final Map<String, Map<PeerId, Long>> backoff = new HashMap<>();
    private final Map<MessageId, Pending> pending = new HashMap<>();
    private long pendingBytes;
    private final Map<PeerId, Integer> peerHave = new HashMap<>();
    private final Map<PeerId, Integer> iasked = new HashMap<>();
    private final Map<PeerId, Integer> iwantCounts = new HashMap<>();
    private final MessageCache mcache;
    private final SeenCache seen;
    private final PeerScore score;
    private final GossipPromises promises = new GossipPromises();
    private final Outbox outbox;
    private final List<RouterAction> actions = new ArrayList<>();

    private long heartbeatTicks;
    private long nextHeartbeat;
    private long nextDecay;

    private long rpcsReceived;
    private long rpcsGraylisted;
    private long messagesReceived;
    private long messagesDuplicate;
    private long messagesUnsubscribed;
    private long messagesAccepted;
    private long messagesRejected;
    private long messagesIgnored;
    private long messagesUnauthentic;
    private long validationsThrottled;
    private long messagesDelivered;
    private long messagesPublished;

    /**
     * @param self this peer, the author of what it publishes
     * @param now the time the router starts; the first heartbeat is {@code heartbeatInitialDelay} later
     */
    public GossipsubRouter(PeerId self, GossipsubConfig config, Random random, long now) {
        this.self = self;
        this.selfBytes = ByteString.copyFrom(self.bytes());
        this.config = config;
        this.limits = config.limits();
        this.thresholds = config.scoreThresholds();
        this.random = random;
        this.direct = config.directPeerIds();
        this.heartbeatMillis = config.heartbeatInterval().toMillis();
        this.decayMillis = config.scoreParams().decayInterval().toMillis();
        this.pruneBackoffMillis = config.pruneBackoff().toMillis();
        this.unsubscribeBackoffMillis = config.unsubscribeBackoff().toMillis();
        this.mcache = new MessageCache(config.mcacheGossip(), config.mcacheLength());
        this.seen = new SeenCache(config.seenTtl().toMillis(), limits.maxSeenMessages());
        this.score = new PeerScore(
                config.scoreParams(),
                config.seenTtl().toMillis(),
                limits.maxSeenMessages(),
                limits.maxRetainedPeerScores());
        this.outbox = new Outbox(limits.maxRpcSize());
        this.nextHeartbeat = now + config.heartbeatInitialDelay().toMillis();
        this.nextDecay = now + decayMillis;
    }

    /** The actions of every input since the last call, RPCs coalesced per peer. */
    public List<RouterAction> drainActions() {
        outbox.flushInto(actions);
        List<RouterAction> out = List.copyOf(actions);
        actions.clear();
        return out;
    }

    // ---- peers ----

    /**
     * A peer speaks gossipsub with us (a stream in either direction is open). Idempotent.
     *
     * @param protocol the negotiated protocol id; {@link Gossipsub#PROTOCOL_V10} peers get no PRUNE
     *     backoff or PX
     * @param outbound whether we dialed the connection (the mesh keeps {@code D_out} such peers)
     * @param ip the IP address the peer connects from, for the colocation factor (P6); null if none
     */
    public void addPeer(PeerId peer, String protocol, boolean outbound, @Nullable String ip, long now) {
        if (peers.containsKey(peer) || peer.equals(self)) {
            return;
        }
        peers.put(peer, new PeerState(protocol, outbound, ByteString.copyFrom(peer.bytes())));
        score.addPeer(peer, ip);
        for (String topic : subscriptions) {
            outbox.subscription(peer, topic, true);
        }
    }

    /** The peer disconnected or its stream failed: it leaves every topic, mesh and fanout. */
    public void removePeer(PeerId peer, long now) {
        PeerState state = peers.remove(peer);
        if (state == null) {
            return;
        }
        for (String topic : state.topics) {
            removeTopicPeer(topic, peer);
            emit(new GossipsubEvent.PeerUnsubscribed(peer, topic));
        }
        for (Map.Entry<String, Set<PeerId>> entry : mesh.entrySet()) {
            if (entry.getValue().remove(peer)) {
                emit(new GossipsubEvent.Pruned(peer, entry.getKey()));
            }
        }
        for (Set<PeerId> fanoutPeers : fanout.values()) {
            fanoutPeers.remove(peer);
        }
        peerHave.remove(peer);
        iasked.remove(peer);
        iwantCounts.remove(peer);
        outbox.discard(peer);
        score.removePeer(peer, now);
    }

    private void removeTopicPeer(String topic, PeerId peer) {
        Set<PeerId> inTopic = topicPeers.get(topic);
        if (inTopic != null && inTopic.remove(peer) && inTopic.isEmpty()) {
            topicPeers.remove(topic);
        }
    }

    // ---- our subscriptions ----

    /** Joins a topic: tells every peer, and builds a mesh from fanout and topic peers. */
    public void subscribe(String topic, long now) {
        requireTopic(topic);
        if (!subscriptions.add(topic)) {
            return;
        }
        for (PeerId peer : peers.keySet()) {
            outbox.subscription(peer, topic, true);
        }
        join(topic, now);
    }

    /** Leaves a topic: tells every peer and prunes the mesh, with the unsubscribe backoff. */
    public void unsubscribe(String topic, long now) {
        if (!subscriptions.remove(topic)) {
            return;
        }
        for (PeerId peer : peers.keySet()) {
            outbox.subscription(peer, topic, false);
        }
        Set<PeerId> meshPeers = mesh.remove(topic);
        if (meshPeers != null) {
            for (PeerId peer : meshPeers) {
                score.prune(peer, topic);
                emit(new GossipsubEvent.Pruned(peer, topic));
                outbox.prune(peer, makePrune(peer, topic, config.peerExchange(), true, now));
            }
        }
    }

    /** Messages of {@code topic} with more data bytes are rejected before validation. */
    public void setMaxDataLength(String topic, int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size limit must not be negative: " + bytes);
        }
        maxDataLength.put(topic, bytes);
    }

    public void clearMaxDataLength(String topic) {
        maxDataLength.remove(topic);
    }

    private void requireTopic(String topic) {
        int length = ByteString.copyFromUtf8(topic).size();
        if (length == 0 || length > limits.maxTopicLength()) {
            throw new IllegalArgumentException(
                    "topics are 1 to " + limits.maxTopicLength() + " bytes of UTF-8, not " + length);
        }
    }

    private void join(String topic, long now) {
        if (mesh.containsKey(topic)) {
            return;
        }
        Set<PeerId> toAdd = new LinkedHashSet<>();
        Set<PeerId> fanoutPeers = fanout.remove(topic);
        fanoutLastPublished.remove(topic);
        if (fanoutPeers != null) {
            for (PeerId peer : fanoutPeers) {
                if (!direct.contains(peer) && score.score(peer) >= 0 && !backedOff(topic, peer, now)) {
                    toAdd.add(peer);
                }
            }
        }
        if (toAdd.size() < config.d()) {
            for (PeerId peer : shuffledTopicPeers(topic)) {
                if (toAdd.size() >= config.d()) {
                    break;
                }
                if (!toAdd.contains(peer)
                        && !direct.contains(peer)
                        && score.score(peer) >= 0
                        && !backedOff(topic, peer, now)) {
                    toAdd.add(peer);
                }
            }
        }
        mesh.put(topic, toAdd);
        for (PeerId peer : toAdd) {
            score.graft(peer, topic, now);
            emit(new GossipsubEvent.Grafted(peer, topic));
            outbox.graft(peer, topic);
        }
    }

    // ---- publishing ----

    /**
     * Publishes a message we authored (already signed under {@link SignaturePolicy#STRICT_SIGN}): to
     * every topic peer above the publish threshold when flood publishing, else to the mesh or the
     * topic's fanout.
     *
     * @param local the message as our own subscriptions see it, delivered if {@code emitSelf}
     */
    public PublishResult publish(Message message, @Nullable GossipsubMessage local, long now) {
        String topic = message.getTopic();
        MessageId id = config.messageIdFunction().apply(message);
        if (!seen.add(id, now)) {
            return new PublishResult(id, 0, true);
        }
        messagesPublished++;
        mcache.put(id, message);
        promises.delivered(id);
        Set<PeerId> recipients = publishPeers(topic, now);
        for (PeerId peer : recipients) {
            outbox.message(peer, message);
        }
        if (local != null && config.emitSelf() && subscriptions.contains(topic)) {
            deliver(local);
        }
        return new PublishResult(id, recipients.size(), false);
    }

    private Set<PeerId> publishPeers(String topic, long now) {
        Set<PeerId> to = new LinkedHashSet<>();
        Set<PeerId> inTopic = topicPeers.getOrDefault(topic, Set.of());
        if (config.floodPublish()) {
            for (PeerId peer : inTopic) {
                if (direct.contains(peer) || score.score(peer) >= thresholds.publishThreshold()) {
                    to.add(peer);
                }
            }
            return to;
        }
        for (PeerId peer : direct) {
            if (inTopic.contains(peer)) {
                to.add(peer);
            }
        }
        Set<PeerId> meshPeers = mesh.get(topic);
        if (meshPeers != null) {
            to.addAll(meshPeers);
            if (meshPeers.size() < config.d()) {
                // Too few in the mesh: top up with other topic peers so the message still reaches D.
                int need = config.d() - meshPeers.size();
                for (PeerId peer : shuffledTopicPeers(topic)) {
                    if (need == 0) {
                        break;
                    }
                    if (!to.contains(peer) && score.score(peer) >= thresholds.publishThreshold()) {
                        to.add(peer);
                        need--;
                    }
                }
            }
            return to;
        }
        Set<PeerId> fanoutPeers = fanout.get(topic);
        if (fanoutPeers == null || fanoutPeers.isEmpty()) {
            fanoutPeers = new LinkedHashSet<>();
            for (PeerId peer : shuffledTopicPeers(topic)) {
                if (fanoutPeers.size() >= config.d()) {
                    break;
                }
                if (!direct.contains(peer) && score.score(peer) >= thresholds.publishThreshold()) {
                    fanoutPeers.add(peer);
                }
            }
            if (!fanoutPeers.isEmpty()) {
                fanout.put(topic, fanoutPeers);
            }
        }
        to.addAll(fanoutPeers);
        fanoutLastPublished.put(topic, now);
        return to;
    }

    // ---- received RPCs ----

    /** An RPC {@code from} sent us, already decoded within the limits. */
    public void handleRpc(PeerId from, RPC rpc, long now) {
        PeerState peer = peers.get(from);
        if (peer == null) {
            return; // it left while its RPC waited
        }
        rpcsReceived++;
        if (!direct.contains(from) && score.score(from) < thresholds.graylistThreshold()) {
            rpcsGraylisted++;
            if (log.isDebugEnabled()) {
                log.debug("ignoring an RPC from graylisted peer {} (score {})", from, score.score(from));
            }
            return;
        }
        if (rpc.getSubscriptionsCount() > 0) {
            handleSubscriptions(from, peer, rpc.getSubscriptionsList(), now);
        }
        for (Message message : rpc.getPublishList()) {
            handleMessage(from, message, now);
        }
        if (rpc.hasControl()) {
            handleControl(from, peer, rpc.getControl(), now);
        }
    }

    /** A topic name as it arrived, if it is 1 to {@code maxTopicLength} bytes of valid UTF-8. */
    private @Nullable String topicOf(ByteString bytes) {
        if (bytes.isEmpty() || bytes.size() > limits.maxTopicLength() || !bytes.isValidUtf8()) {
            return null;
        }
        return bytes.toStringUtf8();
    }

    private void handleSubscriptions(PeerId from, PeerState peer, List<RPC.SubOpts> changes, long now) {
        List<String> grafted = new ArrayList<>();
        for (RPC.SubOpts change : changes) {
            String topic = topicOf(change.getTopicidBytes());
            if (topic == null) {
                continue;
            }
            if (change.getSubscribe()) {
                if (peer.topics.contains(topic)) {
                    continue;
                }
                if (peer.topics.size() >= limits.maxTopicsPerPeer()) {
                    log.debug(
                            "ignoring {}'s subscription to '{}': it has {} topics (maxTopicsPerPeer)",
                            from,
                            topic,
                            peer.topics.size());
                    continue;
                }
                peer.topics.add(topic);
                topicPeers.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(from);
                emit(new GossipsubEvent.PeerSubscribed(from, topic));
                if (graftOnSubscribe(from, topic, now)) {
                    grafted.add(topic);
                }
            } else if (peer.topics.remove(topic)) {
                removeTopicPeer(topic, from);
                emit(new GossipsubEvent.PeerUnsubscribed(from, topic));
                Set<PeerId> meshPeers = mesh.get(topic);
                if (meshPeers != null && meshPeers.remove(from)) {
                    score.prune(from, topic);
                    emit(new GossipsubEvent.Pruned(from, topic));
                }
                Set<PeerId> fanoutPeers = fanout.get(topic);
                if (fanoutPeers != null) {
                    fanoutPeers.remove(from);
                }
            }
        }
        for (String topic : grafted) {
            outbox.graft(from, topic);
        }
    }

    /**
     * Grafts a peer that just subscribed to a topic whose mesh is short, at once rather than at the
     * next heartbeat (as js-libp2p does), so a message published right after is not lost.
     */
    private boolean graftOnSubscribe(PeerId peer, String topic, long now) {
        Set<PeerId> meshPeers = mesh.get(topic);
        if (meshPeers == null
                || meshPeers.contains(peer)
                || meshPeers.size() >= config.dLo()
                || direct.contains(peer)
                || score.score(peer) < 0
                || backedOff(topic, peer, now)) {
            return false;
        }
        meshPeers.add(peer);
        score.graft(peer, topic, now);
        emit(new GossipsubEvent.Grafted(peer, topic));
        return true;
    }

    private void handleMessage(PeerId from, Message message, long now) {
        messagesReceived++;
        String topic = topicOf(message.getTopicBytes());
        if (topic == null) {
            unauthentic(Set.of(from), null, "?", "its topic is missing, too long or not UTF-8");
            return;
        }
        if (!subscriptions.contains(topic)) {
            messagesUnsubscribed++;
            return;
        }
        MessageId id;
        try {
            id = config.messageIdFunction().apply(message);
        } catch (RuntimeException e) {
            unauthentic(Set.of(from), null, topic, "its message id cannot be derived: " + e.getMessage());
            return;
        }
        if (id.length() > limits.maxMessageIdLength()) {
            unauthentic(Set.of(from), null, topic, "its id of " + id.length() + " bytes exceeds maxMessageIdLength");
            return;
        }
        if (seen.contains(id)) {
            messagesDuplicate++;
            Pending inValidation = pending.get(id);
            if (inValidation != null) {
                inValidation.duplicate(from, message);
            } else {
                promises.delivered(id);
            }
            score.duplicate(from, id, topic, now);
            return;
        }
        String problem = signaturePolicyProblem(message);
        if (problem != null) {
            unauthentic(Set.of(from), null, topic, problem);
            return;
        }
        if (message.getFrom().equals(selfBytes)) {
            unauthentic(Set.of(from), null, topic, "it claims to be ours, but we never published it");
            return;
        }
        Integer max = maxDataLength.get(topic);
        if (max != null && message.getData().size() > max) {
            seen.add(id, now);
            score.validating(id, now);
            score.reject(from, id, topic, PeerScore.Rejection.INVALID, now);
            promises.delivered(id);
            messagesRejected++;
            emit(new GossipsubEvent.MessageRejected(
                    topic, from, "its " + message.getData().size() + " data bytes exceed the topic's limit of " + max));
            return;
        }
        if (pending.size() >= limits.validationQueueSize()
                || pendingBytes + message.getSerializedSize() > limits.validationQueueBytes()) {
            validationsThrottled++; // not marked seen: a later copy may still make it
            return;
        }
        seen.add(id, now);
        score.validating(id, now);
        startValidation(id, new Pending(from, message, topic));
    }

    private void startValidation(MessageId id, Pending p) {
        pending.put(id, p);
        pendingBytes += p.message.getSerializedSize();
        actions.add(new RouterAction.Validate(new Validation(id, p.message, p.source)));
    }

    private void endValidation(MessageId id, Pending p) {
        pending.remove(id);
        pendingBytes -= p.message.getSerializedSize();
    }

    /** What the signature policy forbids in the message's shape, or null; the signature is checked later. */
    private @Nullable String signaturePolicyProblem(Message message) {
        return switch (config.signaturePolicy()) {
            case STRICT_SIGN -> {
                if (!message.hasFrom() || message.getFrom().isEmpty()) {
                    yield "it has no author (from) under StrictSign";
                }
                if (message.getFrom().size() > MAX_PEER_ID_LENGTH) {
                    yield "its author (from) of " + message.getFrom().size() + " bytes is no PeerId";
                }
                if (message.getKey().size() > PublicKey.MAX_ENCODED_LENGTH) {
                    yield "its key of " + message.getKey().size() + " bytes exceeds " + PublicKey.MAX_ENCODED_LENGTH;
                }
                if (message.getSeqno().size() != 8) {
                    yield "its seqno is " + message.getSeqno().size() + " bytes, not 8, under StrictSign";
                }
                if (!message.hasSignature()) {
                    yield "it has no signature under StrictSign";
                }
                yield null;
            }
            case STRICT_NO_SIGN ->
                message.hasFrom() || message.hasSeqno() || message.hasSignature() || message.hasKey()
                        ? "it carries an author, seqno, signature or key under StrictNoSign"
                        : null;
        };
    }

    private void unauthentic(Set<PeerId> senders, @Nullable MessageId id, String topic, String reason) {
        messagesUnauthentic++;
        score.rejectUnattributable(senders, id, topic);
        PeerId sender = senders.iterator().next();
        log.debug("rejecting a message on '{}' from {}: {}", topic, sender, reason);
        emit(new GossipsubEvent.MessageRejected(topic, sender, reason));
    }

    /** The outcome of a {@link RouterAction.Validate}. Stale outcomes are ignored. */
    public void validated(Validation validation, ValidationOutcome outcome, long now) {
        MessageId id = validation.id();
        Pending p = pending.get(id);
        if (p == null || !p.message.equals(validation.message()) || !p.source.equals(validation.receivedFrom())) {
            return;
        }
        endValidation(id, p);
        switch (outcome) {
            case ValidationOutcome.Valid valid -> {
                messagesAccepted++;
                promises.delivered(id);
                mcache.put(id, p.message);
                score.deliver(p.source, id, p.topic, now);
                if (subscriptions.contains(p.topic)) {
                    deliver(valid.message());
                }
                forward(p.message, p.topic, p.allSenders());
            }
            case ValidationOutcome.Invalid invalid -> {
                messagesRejected++;
                promises.delivered(id);
                score.reject(p.source, id, p.topic, PeerScore.Rejection.INVALID, now);
                log.debug("validator rejected {} on '{}' from {}: {}", id, p.topic, p.source, invalid.reason());
                emit(new GossipsubEvent.MessageRejected(p.topic, p.source, invalid.reason()));
            }
            case ValidationOutcome.Ignored ignored -> {
                messagesIgnored++;
                promises.delivered(id);
                score.reject(p.source, id, p.topic, PeerScore.Rejection.IGNORED, now);
            }
            case ValidationOutcome.Unauthentic bad -> {
                Set<PeerId> senders = new LinkedHashSet<>();
                senders.add(p.source);
                senders.addAll(p.sameContent);
                seen.remove(id);
                unauthentic(senders, id, p.topic, bad.reason());
                Message alternative = p.alternative;
                PeerId alternativeSource = p.alternativeSource;
                if (alternative != null && alternativeSource != null && peers.containsKey(alternativeSource)) {
                    // Another copy with the same id arrived meanwhile: it may be the genuine one.
                    seen.add(id, now);
                    score.validating(id, now);
                    startValidation(id, new Pending(alternativeSource, alternative, p.topic));
                }
            }
        }
    }

    /** The driver could not queue a {@link RouterAction.Validate}: drop the message without penalty. */
    public void validationRefused(Validation validation, long now) {
        Pending p = pending.get(validation.id());
        if (p == null || !p.message.equals(validation.message())) {
            return;
        }
        endValidation(validation.id(), p);
        seen.remove(validation.id());
        promises.delivered(validation.id());
        score.rejectUnattributable(Set.of(), validation.id(), p.topic);
        validationsThrottled++;
    }

    private void deliver(GossipsubMessage message) {
        messagesDelivered++;
        actions.add(new RouterAction.Deliver(message));
    }

    /** Forwards to direct peers and the mesh, except those that sent it and its author. */
    private void forward(Message message, String topic, Set<PeerId> senders) {
        Set<PeerId> to = new LinkedHashSet<>();
        Set<PeerId> inTopic = topicPeers.get(topic);
        if (inTopic != null) {
            for (PeerId peer : direct) {
                if (inTopic.contains(peer)) {
                    to.add(peer);
                }
            }
        }
        Set<PeerId> meshPeers = mesh.get(topic);
        if (meshPeers != null) {
            to.addAll(meshPeers);
        }
        for (PeerId peer : to) {
            PeerState state = peers.get(peer);
            if (state != null && !senders.contains(peer) && !state.idBytes.equals(message.getFrom())) {
                outbox.message(peer, message);
            }
        }
    }

    // ---- control ----

    private void handleControl(PeerId from, PeerState peer, ControlMessage control, long now) {
        List<MessageId> iwant = control.getIhaveCount() > 0 ? handleIHave(from, control.getIhaveList()) : List.of();
        if (control.getIwantCount() > 0) {
            handleIWant(from, control.getIwantList());
        }
        if (control.getGraftCount() > 0) {
            handleGraft(from, peer, control.getGraftList(), now);
        }
        if (control.getPruneCount() > 0) {
            handlePrune(from, control.getPruneList(), now);
        }
        // IDONTWANT (gossipsub v1.2) is not ours to answer: we speak v1.1 and v1.0.
        if (!iwant.isEmpty()) {
            outbox.iwant(from, iwant);
            promises.add(from, iwant, now + config.iwantFollowupTime().toMillis(), random);
        }
    }

    /** Asks for the advertised messages we have not seen, within the per-heartbeat IHAVE budgets. */
    private List<MessageId> handleIHave(PeerId from, List<ControlIHave> ihaves) {
        double peerScore = score.score(from);
        if (peerScore < thresholds.gossipThreshold()) {
            return List.of();
        }
        int have = peerHave.merge(from, 1, Integer::sum);
        if (have > config.maxIHaveMessages()) {
            log.debug("ignoring IHAVE from {}: {} IHAVEs within one heartbeat", from, have);
            return List.of();
        }
        int asked = iasked.getOrDefault(from, 0);
        if (asked >= config.maxIHaveLength()) {
            return List.of();
        }
        Set<MessageId> wanted = new LinkedHashSet<>();
        int examined = 0;
        outer:
        for (ControlIHave ihave : ihaves) {
            String topic = topicOf(ihave.getTopicIDBytes());
            if (topic == null || !mesh.containsKey(topic)) {
                continue;
            }
            for (ByteString raw : ihave.getMessageIDsList()) {
                if (examined++ >= config.maxIHaveLength()) {
                    break outer;
                }
                MessageId id = MessageId.of(raw);
                if (id.length() <= limits.maxMessageIdLength() && !seen.contains(id)) {
                    wanted.add(id);
                }
            }
        }
        if (wanted.isEmpty()) {
            return List.of();
        }
        List<MessageId> ask = new ArrayList<>(wanted);
        Collections.shuffle(ask, random);
        int budget = config.maxIHaveLength() - asked;
        if (ask.size() > budget) {
            ask = new ArrayList<>(ask.subList(0, budget));
        }
        iasked.put(from, asked + ask.size());
        return ask;
    }

    /** Sends the cached messages asked for, at most {@code gossipRetransmission} times each per peer. */
    private void handleIWant(PeerId from, List<ControlIWant> iwants) {
        if (score.score(from) < thresholds.gossipThreshold()) {
            return;
        }
        int count = iwantCounts.merge(from, 1, Integer::sum);
        if (count > config.maxIWantMessages()) {
            log.debug("ignoring IWANT from {}: {} IWANTs within one heartbeat", from, count);
            return;
        }
        Set<MessageId> sent = new HashSet<>();
        int examined = 0;
        outer:
        for (ControlIWant iwant : iwants) {
            for (ByteString raw : iwant.getMessageIDsList()) {
                if (examined++ >= config.maxIHaveLength()) {
                    break outer;
                }
                MessageId id = MessageId.of(raw);
                if (sent.add(id)) {
                    mcache.getForPeer(id, from, config.gossipRetransmission())
                            .ifPresent(message -> outbox.message(from, message));
                }
            }
        }
    }

    private void handleGraft(PeerId from, PeerState peer, List<ControlGraft> grafts, long now) {
        double peerScore = score.score(from);
        boolean px = config.peerExchange();
        List<String> prune = new ArrayList<>();
        for (ControlGraft graft : grafts) {
            String topic = topicOf(graft.getTopicIDBytes());
            if (topic == null) {
                continue;
            }
            Set<PeerId> meshPeers = mesh.get(topic);
            if (meshPeers == null) {
                // Not our topic: ignore (spam hardening) and reveal no peers.
                px = false;
                continue;
            }
            if (meshPeers.contains(from)) {
                continue;
            }
            Long expiry = backoffExpiry(topic, from);
            if (direct.contains(from)) {
                log.debug("GRAFT from direct peer {} on '{}': direct peers stay outside the mesh", from, topic);
                prune.add(topic);
                px = false;
            } else if (expiry != null && now < expiry) {
                // Grafting during backoff is misbehaviour; sooner than the flood threshold, twice so.
                score.addPenalty(from, 1);
                if (now < expiry + config.graftFloodThreshold().toMillis() - pruneBackoffMillis) {
                    score.addPenalty(from, 1);
                }
                addBackoff(from, topic, pruneBackoffMillis, now);
                prune.add(topic);
                px = false;
            } else if (peerScore < 0) {
                prune.add(topic);
                addBackoff(from, topic, pruneBackoffMillis, now);
                px = false;
            } else if (meshPeers.size() >= config.dHi() && !peer.outbound) {
                // A full mesh takes only peers we dialed: defence against inbound mesh takeover.
                prune.add(topic);
                addBackoff(from, topic, pruneBackoffMillis, now);
            } else {
                meshPeers.add(from);
                score.graft(from, topic, now);
                emit(new GossipsubEvent.Grafted(from, topic));
            }
        }
        for (String topic : prune) {
            outbox.prune(from, makePrune(from, topic, px, false, now));
        }
    }

    private void handlePrune(PeerId from, List<ControlPrune> prunes, long now) {
        double peerScore = score.score(from);
        for (ControlPrune prune : prunes) {
            String topic = topicOf(prune.getTopicIDBytes());
            if (topic == null) {
                continue;
            }
            Set<PeerId> meshPeers = mesh.get(topic);
            if (meshPeers == null) {
                continue;
            }
            score.prune(from, topic);
            if (meshPeers.remove(from)) {
                emit(new GossipsubEvent.Pruned(from, topic));
            }
            long seconds = prune.getBackoff() > 0
                    ? Math.min(prune.getBackoff(), MAX_BACKOFF_SECONDS)
                    : pruneBackoffMillis / 1000;
            addBackoff(from, topic, seconds * 1000, now);
            if (prune.getPeersCount() > 0) {
                if (peerScore < thresholds.acceptPxThreshold()) {
                    log.debug("ignoring PX from {} (score {} < acceptPxThreshold)", from, peerScore);
                } else {
                    exchangePeers(prune.getPeersList());
                }
            }
        }
    }

    /** Dials up to {@code prunePeers} peers learnt by PX. Their signed records, if any, are not used. */
    private void exchangePeers(List<PeerInfo> infos) {
        List<PeerInfo> shuffled = new ArrayList<>(infos);
        Collections.shuffle(shuffled, random);
        int connects = 0;
        for (PeerInfo info : shuffled) {
            if (connects >= config.prunePeers()) {
                break;
            }
            PeerId peer;
            try {
                peer = PeerId.fromBytes(info.getPeerID().toByteArray());
            } catch (MultiformatException e) {
                continue;
            }
            if (!peer.equals(self) && !peers.containsKey(peer)) {
                actions.add(new RouterAction.Connect(peer));
                connects++;
            }
        }
    }

    /** A PRUNE for {@code peer}: with backoff and optionally PX, unless the peer speaks only v1.0. */
    private ControlPrune makePrune(PeerId peer, String topic, boolean px, boolean unsubscribing, long now) {
        ControlPrune.Builder prune = ControlPrune.newBuilder().setTopicID(topic);
        PeerState state = peers.get(peer);
        if (state == null || state.protocol.equals(Gossipsub.PROTOCOL_V10)) {
            return prune.build(); // v1.0 knows neither backoff nor PX
        }
        long backoffMillis = unsubscribing ? unsubscribeBackoffMillis : pruneBackoffMillis;
        addBackoff(peer, topic, backoffMillis, now);
        prune.setBackoff(backoffMillis / 1000);
        if (px) {
            int added = 0;
            for (PeerId other : shuffledTopicPeers(topic)) {
                if (added >= config.prunePeers()) {
                    break;
                }
                if (!other.equals(peer) && score.score(other) >= 0) {
                    prune.addPeers(PeerInfo.newBuilder().setPeerID(ByteString.copyFrom(other.bytes())));
                    added++;
                }
            }
        }
        return prune.build();
    }

    // ---- backoff ----

    private void addBackoff(PeerId peer, String topic, long millis, long now) {
        backoff.computeIfAbsent(topic, t -> new HashMap<>()).merge(peer, now + millis, Math::max);
    }

    private @Nullable Long backoffExpiry(String topic, PeerId peer) {
        Map<PeerId, Long> byPeer = backoff.get(topic);
        return byPeer == null ? null : byPeer.get(peer);
    }

    private boolean backedOff(String topic, PeerId peer, long now) {
        Long expiry = backoffExpiry(topic, peer);
        return expiry != null && now < expiry;
    }

    private void clearExpiredBackoff(long now) {
        Iterator<Map<PeerId, Long>> topics = backoff.values().iterator();
        while (topics.hasNext()) {
            Map<PeerId, Long> byPeer = topics.next();
            byPeer.values().removeIf(expiry -> expiry + heartbeatMillis < now);
            if (byPeer.isEmpty()) {
                topics.remove();
            }
        }
    }

    // ---- time ----

    /** Runs the score decay and the heartbeat when they are due. Call it at least every heartbeat. */
    public void tick(long now) {
        if (now >= nextDecay) {
            score.refresh(now);
            nextDecay = Math.max(nextDecay + decayMillis, now + decayMillis / 2);
        }
        if (now >= nextHeartbeat) {
            heartbeat(now);
            nextHeartbeat = Math.max(nextHeartbeat + heartbeatMillis, now + heartbeatMillis / 2);
        }
    }

    /** When {@link #tick} next has work. */
    public long nextTick() {
        return Math.min(nextDecay, nextHeartbeat);
    }

    private void heartbeat(long now) {
        heartbeatTicks++;
        Map<PeerId, Double> scores = new HashMap<>();
        Map<PeerId, List<String>> toGraft = new LinkedHashMap<>();
        Map<PeerId, List<String>> toPrune = new LinkedHashMap<>();
        Set<PeerId> noPx = new HashSet<>();

        if (heartbeatTicks % BACKOFF_CLEAR_TICKS == 0) {
            clearExpiredBackoff(now);
        }
        peerHave.clear();
        iasked.clear();
        iwantCounts.clear();
        promises.takeBroken(now).forEach((peer, broken) -> {
            log.debug("{} broke {} IWANT promises", peer, broken);
            score.addPenalty(peer, broken);
        });
        if (heartbeatTicks % config.directConnectTicks() == 0) {
            for (PeerId peer : direct) {
                if (!peers.containsKey(peer)) {
                    actions.add(new RouterAction.Connect(peer));
                }
            }
        }
        seen.prune(now);

        Map<String, Set<PeerId>> gossipTargets = new LinkedHashMap<>();
        for (Map.Entry<String, Set<PeerId>> entry : mesh.entrySet()) {
            String topic = entry.getKey();
            Set<PeerId> meshPeers = entry.getValue();
            MeshMaintenance m = new MeshMaintenance(topic, meshPeers, scores, toGraft, toPrune, now);
            gossipTargets.put(topic, m.gossipTo);
            m.run(noPx);
        }
        maintainFanout(now, scores, gossipTargets);
        emitGossip(gossipTargets);
        for (Map.Entry<PeerId, List<String>> entry : toGraft.entrySet()) {
            for (String topic : entry.getValue()) {
                outbox.graft(entry.getKey(), topic);
            }
        }
        for (Map.Entry<PeerId, List<String>> entry : toPrune.entrySet()) {
            PeerId peer = entry.getKey();
            for (String topic : entry.getValue()) {
                outbox.prune(peer, makePrune(peer, topic, config.peerExchange() && !noPx.contains(peer), false, now));
            }
        }
        mcache.shift();
    }

    private double scoreOf(PeerId peer, Map<PeerId, Double> cache) {
        return cache.computeIfAbsent(peer, score::score);
    }

    private boolean isOutbound(PeerId peer) {
        PeerState state = peers.get(peer);
        return state != null && state.outbound;
    }

    /** One topic's mesh maintenance in a heartbeat (the gossipsub v1.1 heartbeat procedure). */
    private final class MeshMaintenance {
        final String topic;
        final Set<PeerId> meshPeers;
        final Map<PeerId, Double> scores;
        final Map<PeerId, List<String>> toGraft;
        final Map<PeerId, List<String>> toPrune;
        final long now;
        /** Topic peers outside the mesh that may be grafted (not backed off, score >= 0), shuffled. */
        final List<PeerId> candidates = new ArrayList<>();
        /** Topic peers outside the mesh above the gossip threshold. */
        final Set<PeerId> gossipTo = new LinkedHashSet<>();

        MeshMaintenance(
                String topic,
                Set<PeerId> meshPeers,
                Map<PeerId, Double> scores,
                Map<PeerId, List<String>> toGraft,
                Map<PeerId, List<String>> toPrune,
                long now) {
            this.topic = topic;
            this.meshPeers = meshPeers;
            this.scores = scores;
            this.toGraft = toGraft;
            this.toPrune = toPrune;
            this.now = now;
            for (PeerId peer : shuffledTopicPeers(topic)) {
                if (meshPeers.contains(peer) || direct.contains(peer)) {
                    continue;
                }
                double s = scoreOf(peer, scores);
                if (s >= 0 && !backedOff(topic, peer, now)) {
                    candidates.add(peer);
                }
                if (s >= thresholds.gossipThreshold()) {
                    gossipTo.add(peer);
                }
            }
        }

        void run(Set<PeerId> noPx) {
            for (PeerId peer : List.copyOf(meshPeers)) {
                if (scoreOf(peer, scores) < 0) {
                    prune(peer);
                    noPx.add(peer);
                }
            }
            if (meshPeers.size() < config.dLo()) {
                int need = config.d() - meshPeers.size();
                for (PeerId peer : take(need, p -> true)) {
                    graft(peer);
                }
            }
            if (meshPeers.size() > config.dHi()) {
                shrink();
            }
            if (meshPeers.size() >= config.dLo()) {
                int outbound = (int) meshPeers.stream()
                        .filter(GossipsubRouter.this::isOutbound)
                        .count();
                if (outbound < config.dOut()) {
                    for (PeerId peer : take(config.dOut() - outbound, GossipsubRouter.this::isOutbound)) {
                        graft(peer);
                    }
                }
            }
            if (heartbeatTicks % config.opportunisticGraftTicks() == 0 && meshPeers.size() > 1) {
                opportunisticGraft();
            }
        }

        /** Keeps the best D_score peers and D - D_score random others, at least D_out of them outbound. */
        private void shrink() {
            List<PeerId> byScore = new ArrayList<>(meshPeers);
            Collections.shuffle(byScore, random);
            byScore.sort(
                    Comparator.comparingDouble((PeerId p) -> scoreOf(p, scores)).reversed());
            List<PeerId> keep = new ArrayList<>(byScore.subList(0, config.dScore()));
            List<PeerId> rest = new ArrayList<>(byScore.subList(config.dScore(), byScore.size()));
            Collections.shuffle(rest, random);
            keep.addAll(rest);
            int d = config.d();
            int outbound = 0;
            for (PeerId peer : keep.subList(0, d)) {
                if (isOutbound(peer)) {
                    outbound++;
                }
            }
            if (outbound < config.dOut()) {
                // Move the outbound peers already kept to the front, then bring in outbound peers from
                // beyond the cut until D_out of the first D are outbound.
                int have = outbound;
                for (int i = 1; i < d && have > 0; i++) {
                    if (isOutbound(keep.get(i))) {
                        rotateToFront(keep, i);
                        have--;
                    }
                }
                int need = config.dOut() - outbound;
                for (int i = d; i < keep.size() && need > 0; i++) {
                    if (isOutbound(keep.get(i))) {
                        rotateToFront(keep, i);
                        need--;
                    }
                }
            }
            for (PeerId peer : List.copyOf(keep.subList(d, keep.size()))) {
                prune(peer);
            }
        }

        private void opportunisticGraft() {
            List<PeerId> sorted = new ArrayList<>(meshPeers);
            sorted.sort(Comparator.comparingDouble(p -> scoreOf(p, scores)));
            double median = scoreOf(sorted.get(sorted.size() / 2), scores);
            if (median < thresholds.opportunisticGraftThreshold()) {
                for (PeerId peer : take(config.opportunisticGraftPeers(), p -> scoreOf(p, scores) > median)) {
                    log.debug("opportunistically grafting {} on '{}' (mesh median score {})", peer, topic, median);
                    graft(peer);
                }
            }
        }

        private List<PeerId> take(int count, java.util.function.Predicate<PeerId> filter) {
            List<PeerId> taken = new ArrayList<>();
            Iterator<PeerId> it = candidates.iterator();
            while (it.hasNext() && taken.size() < count) {
                PeerId peer = it.next();
                if (filter.test(peer)) {
                    taken.add(peer);
                    it.remove();
                }
            }
            return taken;
        }

        private void graft(PeerId peer) {
            meshPeers.add(peer);
            score.graft(peer, topic, now);
            emit(new GossipsubEvent.Grafted(peer, topic));
            gossipTo.remove(peer);
            toGraft.computeIfAbsent(peer, p -> new ArrayList<>()).add(topic);
        }

        private void prune(PeerId peer) {
            addBackoff(peer, topic, pruneBackoffMillis, now);
            meshPeers.remove(peer);
            score.prune(peer, topic);
            emit(new GossipsubEvent.Pruned(peer, topic));
            if (scoreOf(peer, scores) >= thresholds.gossipThreshold()) {
                gossipTo.add(peer);
            }
            toPrune.computeIfAbsent(peer, p -> new ArrayList<>()).add(topic);
        }
    }

    private static void rotateToFront(List<PeerId> list, int index) {
        PeerId peer = list.remove(index);
        list.add(0, peer);
    }

    private void maintainFanout(long now, Map<PeerId, Double> scores, Map<String, Set<PeerId>> gossipTargets) {
        long ttl = config.fanoutTtl().toMillis();
        fanoutLastPublished.entrySet().removeIf(entry -> {
            if (entry.getValue() + ttl < now) {
                fanout.remove(entry.getKey());
                return true;
            }
            return false;
        });
        for (Map.Entry<String, Set<PeerId>> entry : fanout.entrySet()) {
            String topic = entry.getKey();
            Set<PeerId> fanoutPeers = entry.getValue();
            Set<PeerId> inTopic = topicPeers.getOrDefault(topic, Set.of());
            fanoutPeers.removeIf(
                    peer -> !inTopic.contains(peer) || scoreOf(peer, scores) < thresholds.publishThreshold());
            Set<PeerId> gossipTo = new LinkedHashSet<>();
            gossipTargets.put(topic, gossipTo);
            List<PeerId> candidates = new ArrayList<>();
            for (PeerId peer : shuffledTopicPeers(topic)) {
                if (fanoutPeers.contains(peer) || direct.contains(peer)) {
                    continue;
                }
                double s = scoreOf(peer, scores);
                if (s >= thresholds.publishThreshold()) {
                    candidates.add(peer);
                }
                if (s >= thresholds.gossipThreshold()) {
                    gossipTo.add(peer);
                }
            }
            for (PeerId peer : candidates) {
                if (fanoutPeers.size() >= config.d()) {
                    break;
                }
                fanoutPeers.add(peer);
                gossipTo.remove(peer);
            }
        }
    }

    /** IHAVE to max(D_lazy, gossipFactor × candidates) random peers outside the mesh, per topic. */
    private void emitGossip(Map<String, Set<PeerId>> gossipTargets) {
        for (Map.Entry<String, Set<PeerId>> entry : gossipTargets.entrySet()) {
            List<MessageId> ids = mcache.gossipIds(entry.getKey());
            Set<PeerId> candidates = entry.getValue();
            if (ids.isEmpty() || candidates.isEmpty()) {
                continue;
            }
            Collections.shuffle(ids, random);
            int target = Math.max(config.dLazy(), (int) (config.gossipFactor() * candidates.size()));
            List<PeerId> chosen = new ArrayList<>(candidates);
            if (target < chosen.size()) {
                Collections.shuffle(chosen, random);
                chosen = chosen.subList(0, target);
            }
            for (PeerId peer : chosen) {
                List<MessageId> advertised = ids;
                if (ids.size() > config.maxIHaveLength()) {
                    // Each peer hears of a different random subset, so together they cover more.
                    advertised = new ArrayList<>(ids);
                    Collections.shuffle(advertised, random);
                    advertised = advertised.subList(0, config.maxIHaveLength());
                }
                outbox.ihave(peer, entry.getKey(), advertised);
            }
        }
    }

    private List<PeerId> shuffledTopicPeers(String topic) {
        Set<PeerId> inTopic = topicPeers.get(topic);
        if (inTopic == null) {
            return List.of();
        }
        List<PeerId> list = new ArrayList<>(inTopic);
        Collections.shuffle(list, random);
        return list;
    }

    private void emit(GossipsubEvent event) {
        actions.add(new RouterAction.Notify(event));
    }

    // ---- queries ----

    public Set<String> subscriptions() {
        return Set.copyOf(subscriptions);
    }

    /** Peers known to be subscribed to {@code topic}. */
    public Set<PeerId> topicPeers(String topic) {
        return Set.copyOf(topicPeers.getOrDefault(topic, Set.of()));
    }

    /** Our mesh peers of {@code topic}; empty if we are not subscribed. */
    public Set<PeerId> meshPeers(String topic) {
        return Set.copyOf(mesh.getOrDefault(topic, Set.of()));
    }

    public Set<PeerId> fanoutPeers(String topic) {
        return Set.copyOf(fanout.getOrDefault(topic, Set.of()));
    }

    /** Peers we route for. */
    public Set<PeerId> peers() {
        return Set.copyOf(peers.keySet());
    }

    public double score(PeerId peer) {
        return score.score(peer);
    }

    /** Whether {@code peer} may not graft us on {@code topic} at {@code now}. */
    public boolean isBackedOff(PeerId peer, String topic, long now) {
        return backedOff(topic, peer, now);
    }

    public GossipsubStats stats() {
        return new GossipsubStats(
                rpcsReceived,
                rpcsGraylisted,
                0,
                0,
                messagesReceived,
                messagesDuplicate,
                messagesUnsubscribed,
                messagesAccepted,
                messagesRejected,
                messagesIgnored,
                messagesUnauthentic,
                validationsThrottled,
                messagesDelivered,
                messagesPublished);
    }

    PeerScore peerScore() {
        return score;
    }

    MessageCache messageCache() {
        return mcache;
    }

    int pendingValidations() {
        return pending.size();
    }

    Collection<String> meshTopics() {
        return mesh.keySet();
    }
}
