package io.servent.p2p.gossipsub;

import io.servent.p2p.api.PeerId;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Promises made by IHAVE gossip: when we ask a peer for messages it advertised, it must deliver one of
 * them (chosen at random when the IWANT is sent) within the follow-up time, or its promise counts as
 * broken and costs it a behaviour penalty (P7). Any delivery of the message, from anyone, keeps the
 * promise, since the message is no longer wanted. Not thread-safe: owned by the router.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/gossipsub/gossipsub-v1.1.md#spam-protection-measures">spam protection</a>
 */
final class GossipPromises {
    private final Map<MessageId, Map<PeerId, Long>> promises = new HashMap<>();

    /** {@code peer} promised the messages {@code ids}; one of them, at random, is tracked. */
    void add(PeerId peer, List<MessageId> ids, long expiry, Random random) {
        if (ids.isEmpty()) {
            return;
        }
        MessageId id = ids.get(random.nextInt(ids.size()));
        promises.computeIfAbsent(id, k -> new HashMap<>()).putIfAbsent(peer, expiry);
    }

    /** The message arrived (valid or not yet validated): every promise of it is kept. */
    void delivered(MessageId id) {
        promises.remove(id);
    }

    /** Promises broken by {@code now}, per peer, forgotten once counted. */
    Map<PeerId, Integer> takeBroken(long now) {
        Map<PeerId, Integer> broken = new HashMap<>();
        Iterator<Map<PeerId, Long>> byMessage = promises.values().iterator();
        while (byMessage.hasNext()) {
            Map<PeerId, Long> byPeer = byMessage.next();
            Iterator<Map.Entry<PeerId, Long>> it = byPeer.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<PeerId, Long> promise = it.next();
                if (promise.getValue() < now) {
                    broken.merge(promise.getKey(), 1, Integer::sum);
                    it.remove();
                }
            }
            if (byPeer.isEmpty()) {
                byMessage.remove();
            }
        }
        return broken;
    }

    int size() {
        return promises.size();
    }
}
