package io.servent.p2p.gossipsub;

import io.servent.p2p.api.PeerId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Gossipsub v1.1 peer scoring: the counters behind P1 to P7 per peer (and per topic), their decay,
 * and the delivery records that tell first deliveries, duplicates and invalid messages apart. The
 * score of a disconnected peer is kept for {@code retainScore} when it is not positive, so a
 * misbehaving peer cannot reset it by reconnecting. Time is passed in (milliseconds on any clock),
 * so a simulator can drive it. Not thread-safe: owned by the router.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/gossipsub/gossipsub-v1.1.md#peer-scoring">peer scoring</a>
 */
final class PeerScore {
    private final PeerScoreParams params;
    private final long deliveryRecordTtl;
    private final int maxDeliveryRecords;
    private final int maxRetained;
    private final Map<PeerId, PeerStats> stats = new HashMap<>();
    /** Disconnected peers whose stats are retained, oldest first. */
    private final LinkedHashMap<PeerId, Long> retained = new LinkedHashMap<>();

    private final Map<String, Set<PeerId>> peersByIp = new HashMap<>();
    private final LinkedHashMap<MessageId, DeliveryRecord> deliveries = new LinkedHashMap<>();

    /** How a message turned out, for the peers that send it again. */
    enum Status {
        UNKNOWN,
        VALID,
        INVALID,
        IGNORED
    }

    /** Whether a rejected message costs its senders the invalid-message penalty (P4). */
    enum Rejection {
        INVALID,
        IGNORED
    }

    private static final class DeliveryRecord {
        Status status = Status.UNKNOWN;
        long validated;
        final long expiry;
        final Set<PeerId> peers = new HashSet<>();

        DeliveryRecord(long expiry) {
            this.expiry = expiry;
        }
    }

    static final class TopicStats {
        boolean inMesh;
        long graftTime;
        long meshTime;
        double firstMessageDeliveries;
        double meshMessageDeliveries;
        boolean meshMessageDeliveriesActive;
        double meshFailurePenalty;
        double invalidMessageDeliveries;
    }

    static final class PeerStats {
        boolean connected;
        long expire;
        final Map<String, TopicStats> topics = new HashMap<>();
        final Set<String> ips = new HashSet<>();
        double behaviourPenalty;
    }

    PeerScore(PeerScoreParams params, long deliveryRecordTtl, int maxDeliveryRecords, int maxRetained) {
        this.params = params;
        this.deliveryRecordTtl = deliveryRecordTtl;
        this.maxDeliveryRecords = maxDeliveryRecords;
        this.maxRetained = maxRetained;
    }

    PeerScoreParams params() {
        return params;
    }

    // ---- peers ----

    /** A peer connected; a returning peer gets back the stats retained for it. */
    void addPeer(PeerId peer, @Nullable String ip) {
        PeerStats peerStats = stats.computeIfAbsent(peer, p -> new PeerStats());
        retained.remove(peer);
        peerStats.connected = true;
        if (ip != null && peerStats.ips.add(ip)) {
            peersByIp.computeIfAbsent(ip, k -> new HashSet<>()).add(peer);
        }
    }

    /**
     * A peer disconnected. A positive score is dropped at once (nothing to hold against it); otherwise
     * the stats stay for {@code retainScore}, with the mesh failure penalty applied as if pruned.
     */
    void removePeer(PeerId peer, long now) {
        PeerStats peerStats = stats.get(peer);
        if (peerStats == null) {
            return;
        }
        if (score(peer) > 0) {
            forget(peer, peerStats);
            return;
        }
        for (Map.Entry<String, TopicStats> entry : peerStats.topics.entrySet()) {
            TopicStats topic = entry.getValue();
            topic.firstMessageDeliveries = 0;
            TopicScoreParams topicParams = params.topics().get(entry.getKey());
            if (topicParams != null) {
                applyMeshFailurePenalty(topic, topicParams);
            }
            topic.inMesh = false;
            topic.meshMessageDeliveriesActive = false;
        }
        peerStats.connected = false;
        peerStats.expire = now + params.retainScore().toMillis();
        retained.put(peer, peerStats.expire);
        while (retained.size() > maxRetained) {
            Iterator<PeerId> oldest = retained.keySet().iterator();
            PeerId victim = oldest.next();
            oldest.remove();
            PeerStats victimStats = stats.get(victim);
            if (victimStats != null) {
                forget(victim, victimStats);
            }
        }
    }

    private void forget(PeerId peer, PeerStats peerStats) {
        for (String ip : peerStats.ips) {
            Set<PeerId> peers = peersByIp.get(ip);
            if (peers != null && peers.remove(peer) && peers.isEmpty()) {
                peersByIp.remove(ip);
            }
        }
        stats.remove(peer);
        retained.remove(peer);
    }

    // ---- the score ----

    double score(PeerId peer) {
        PeerStats peerStats = stats.get(peer);
        return peerStats == null ? 0 : compute(peer, peerStats);
    }

    private double compute(PeerId peer, PeerStats peerStats) {
        double score = 0;
        for (Map.Entry<String, TopicStats> entry : peerStats.topics.entrySet()) {
            TopicScoreParams topicParams = params.topics().get(entry.getKey());
            if (topicParams != null) {
                score += topicScore(entry.getValue(), topicParams) * topicParams.topicWeight();
            }
        }
        if (params.topicScoreCap() > 0 && score > params.topicScoreCap()) {
            score = params.topicScoreCap();
        }
        score += params.appSpecificScore().applyAsDouble(peer) * params.appSpecificWeight();
        for (String ip : peerStats.ips) {
            if (params.ipColocationFactorWhitelist().contains(ip)) {
                continue;
            }
            Set<PeerId> sharing = peersByIp.get(ip);
            int count = sharing == null ? 0 : sharing.size();
            if (count > params.ipColocationFactorThreshold()) {
                double surplus = count - params.ipColocationFactorThreshold();
                score += surplus * surplus * params.ipColocationFactorWeight();
            }
        }
        if (peerStats.behaviourPenalty > params.behaviourPenaltyThreshold()) {
            double excess = peerStats.behaviourPenalty - params.behaviourPenaltyThreshold();
            score += excess * excess * params.behaviourPenaltyWeight();
        }
        return score;
    }

    /** P1 to P4 of one topic, before the topic weight. */
    static double topicScore(TopicStats topic, TopicScoreParams p) {
        double score = 0;
        if (topic.inMesh) {
            double p1 = (double) topic.meshTime / p.timeInMeshQuantum().toMillis();
            score += Math.min(p1, p.timeInMeshCap()) * p.timeInMeshWeight();
        }
        score += Math.min(topic.firstMessageDeliveries, p.firstMessageDeliveriesCap())
                * p.firstMessageDeliveriesWeight();
        if (topic.meshMessageDeliveriesActive && topic.meshMessageDeliveries < p.meshMessageDeliveriesThreshold()) {
            double deficit = p.meshMessageDeliveriesThreshold() - topic.meshMessageDeliveries;
            score += deficit * deficit * p.meshMessageDeliveriesWeight();
        }
        score += topic.meshFailurePenalty * p.meshFailurePenaltyWeight();
        score += topic.invalidMessageDeliveries * topic.invalidMessageDeliveries * p.invalidMessageDeliveriesWeight();
        return score;
    }

    // ---- mesh membership ----

    void graft(PeerId peer, String topic, long now) {
        TopicStats t = topicStats(peer, topic);
        if (t != null) {
            t.inMesh = true;
            t.graftTime = now;
            t.meshTime = 0;
            t.meshMessageDeliveriesActive = false;
        }
    }

    void prune(PeerId peer, String topic) {
        TopicStats t = topicStats(peer, topic);
        TopicScoreParams topicParams = params.topics().get(topic);
        if (t != null && topicParams != null) {
            applyMeshFailurePenalty(t, topicParams);
            t.meshMessageDeliveriesActive = false;
            t.inMesh = false;
        }
    }

    /** P3b: a peer leaving the mesh with a delivery deficit keeps the deficit squared as a penalty. */
    private static void applyMeshFailurePenalty(TopicStats t, TopicScoreParams p) {
        if (t.meshMessageDeliveriesActive && t.meshMessageDeliveries < p.meshMessageDeliveriesThreshold()) {
            double deficit = p.meshMessageDeliveriesThreshold() - t.meshMessageDeliveries;
            t.meshFailurePenalty += deficit * deficit;
        }
    }

    // ---- behaviour ----

    /** P7: broken IWANT promises, GRAFTs during backoff. */
    void addPenalty(PeerId peer, double count) {
        PeerStats peerStats = stats.get(peer);
        if (peerStats != null) {
            peerStats.behaviourPenalty += count;
        }
    }

    // ---- message deliveries ----

    /** A message entered validation; its record collects the peers that send it meanwhile. */
    void validating(MessageId id, long now) {
        record(id, now);
    }

    /** A message from {@code from} was accepted: a first delivery for it, a mesh delivery for the others. */
    void deliver(PeerId from, MessageId id, String topic, long now) {
        markFirstDelivery(from, topic);
        DeliveryRecord record = record(id, now);
        if (record.status != Status.UNKNOWN) {
            return;
        }
        record.status = Status.VALID;
        record.validated = now;
        for (PeerId peer : record.peers) {
            if (!peer.equals(from)) {
                markDuplicateDelivery(peer, topic);
            }
        }
    }

    /** Validation rejected or ignored a message from {@code from}; a rejection costs every sender P4. */
    void reject(PeerId from, MessageId id, String topic, Rejection rejection, long now) {
        DeliveryRecord record = record(id, now);
        if (record.status != Status.UNKNOWN) {
            return;
        }
        if (rejection == Rejection.IGNORED) {
            record.status = Status.IGNORED;
            record.peers.clear();
            return;
        }
        record.status = Status.INVALID;
        markInvalidDelivery(from, topic);
        for (PeerId peer : record.peers) {
            markInvalidDelivery(peer, topic);
        }
        record.peers.clear();
    }

    /**
     * A message that could not even be identified or whose signature is bad: only the given senders
     * are penalised, and no record is kept, so a genuine copy with the same id is judged afresh.
     */
    void rejectUnattributable(Set<PeerId> senders, @Nullable MessageId id, String topic) {
        for (PeerId peer : senders) {
            markInvalidDelivery(peer, topic);
        }
        if (id != null) {
            deliveries.remove(id);
        }
    }

    /** {@code from} sent a message we had already seen (or are validating). */
    void duplicate(PeerId from, MessageId id, String topic, long now) {
        DeliveryRecord record = record(id, now);
        if (record.peers.contains(from)) {
            return;
        }
        switch (record.status) {
            case UNKNOWN -> record.peers.add(from);
            case VALID -> {
                record.peers.add(from);
                TopicScoreParams topicParams = params.topics().get(topic);
                if (topicParams != null
                        && now - record.validated
                                <= topicParams.meshMessageDeliveriesWindow().toMillis()) {
                    markDuplicateDelivery(from, topic);
                }
            }
            case INVALID -> markInvalidDelivery(from, topic);
            case IGNORED -> {}
        }
    }

    private DeliveryRecord record(MessageId id, long now) {
        DeliveryRecord record = deliveries.get(id);
        if (record == null) {
            record = new DeliveryRecord(now + deliveryRecordTtl);
            deliveries.put(id, record);
            if (deliveries.size() > maxDeliveryRecords) {
                Iterator<MessageId> oldest = deliveries.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
        return record;
    }

    private void markFirstDelivery(PeerId peer, String topic) {
        TopicStats t = topicStats(peer, topic);
        TopicScoreParams p = params.topics().get(topic);
        if (t == null || p == null) {
            return;
        }
        t.firstMessageDeliveries = Math.min(p.firstMessageDeliveriesCap(), t.firstMessageDeliveries + 1);
        if (t.inMesh) {
            t.meshMessageDeliveries = Math.min(p.meshMessageDeliveriesCap(), t.meshMessageDeliveries + 1);
        }
    }

    private void markDuplicateDelivery(PeerId peer, String topic) {
        TopicStats t = topicStats(peer, topic);
        TopicScoreParams p = params.topics().get(topic);
        if (t != null && p != null && t.inMesh) {
            t.meshMessageDeliveries = Math.min(p.meshMessageDeliveriesCap(), t.meshMessageDeliveries + 1);
        }
    }

    private void markInvalidDelivery(PeerId peer, String topic) {
        TopicStats t = topicStats(peer, topic);
        if (t != null) {
            t.invalidMessageDeliveries += 1;
        }
    }

    /** The stats of a scored topic, created on first use; null for unknown peers and unscored topics. */
    private @Nullable TopicStats topicStats(PeerId peer, String topic) {
        PeerStats peerStats = stats.get(peer);
        if (peerStats == null || !params.topics().containsKey(topic)) {
            return null;
        }
        return peerStats.topics.computeIfAbsent(topic, k -> new TopicStats());
    }

    // ---- time ----

    /**
     * Decays every counter (once per {@code decayInterval}), refreshes time in mesh and P3 activation,
     * forgets expired retained peers and delivery records.
     */
    void refresh(long now) {
        double toZero = params.decayToZero();
        Iterator<Map.Entry<PeerId, PeerStats>> it = stats.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<PeerId, PeerStats> entry = it.next();
            PeerStats peerStats = entry.getValue();
            if (!peerStats.connected) {
                if (now > peerStats.expire) {
                    PeerId peer = entry.getKey();
                    for (String ip : peerStats.ips) {
                        Set<PeerId> peers = peersByIp.get(ip);
                        if (peers != null && peers.remove(peer) && peers.isEmpty()) {
                            peersByIp.remove(ip);
                        }
                    }
                    retained.remove(peer);
                    it.remove();
                }
                continue;
            }
            for (Map.Entry<String, TopicStats> topicEntry : peerStats.topics.entrySet()) {
                TopicScoreParams p = params.topics().get(topicEntry.getKey());
                if (p == null) {
                    continue;
                }
                TopicStats t = topicEntry.getValue();
                t.firstMessageDeliveries = decay(t.firstMessageDeliveries, p.firstMessageDeliveriesDecay(), toZero);
                t.meshMessageDeliveries = decay(t.meshMessageDeliveries, p.meshMessageDeliveriesDecay(), toZero);
                t.meshFailurePenalty = decay(t.meshFailurePenalty, p.meshFailurePenaltyDecay(), toZero);
                t.invalidMessageDeliveries =
                        decay(t.invalidMessageDeliveries, p.invalidMessageDeliveriesDecay(), toZero);
                if (t.inMesh) {
                    t.meshTime = now - t.graftTime;
                    if (t.meshTime > p.meshMessageDeliveriesActivation().toMillis()) {
                        t.meshMessageDeliveriesActive = true;
                    }
                }
            }
            peerStats.behaviourPenalty = decay(peerStats.behaviourPenalty, params.behaviourPenaltyDecay(), toZero);
        }
        Iterator<DeliveryRecord> records = deliveries.values().iterator();
        while (records.hasNext() && records.next().expiry < now) {
            records.remove();
        }
    }

    private static double decay(double value, double factor, double toZero) {
        double decayed = value * factor;
        return decayed < toZero ? 0 : decayed;
    }

    // ---- for tests and diagnostics ----

    @Nullable
    TopicStats topicStatsForTest(PeerId peer, String topic) {
        PeerStats peerStats = stats.get(peer);
        return peerStats == null ? null : peerStats.topics.get(topic);
    }

    double behaviourPenalty(PeerId peer) {
        PeerStats peerStats = stats.get(peer);
        return peerStats == null ? 0 : peerStats.behaviourPenalty;
    }

    int trackedPeers() {
        return stats.size();
    }

    int deliveryRecords() {
        return deliveries.size();
    }
}
