package io.servent.p2p.gossipsub;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The message cache (mcache) of gossipsub v1.0: the messages of the last {@code mcacheLength}
 * heartbeats, to answer IWANTs, of which those of the last {@code mcacheGossip} heartbeats are
 * advertised in IHAVE gossip. Holds only validated messages. Not thread-safe: owned by the router.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/gossipsub/gossipsub-v1.0.md#message-cache">message cache</a>
 */
final class MessageCache {
    private final int gossipWindows;
    private final int historyWindows;
    private final Map<MessageId, Entry> messages = new HashMap<>();
    /** Newest window first; each lists the ids put during one heartbeat. */
    private final ArrayDeque<List<MessageId>> history = new ArrayDeque<>();

    /** A cached message and how often each peer asked for it by IWANT. */
    static final class Entry {
        final Message message;
        final String topic;
        private final Map<PeerId, Integer> iwantCounts = new HashMap<>();

        Entry(Message message, String topic) {
            this.message = message;
            this.topic = topic;
        }
    }

    MessageCache(int gossipWindows, int historyWindows) {
        if (gossipWindows < 1 || gossipWindows > historyWindows) {
            throw new IllegalArgumentException(
                    "need 1 <= gossip <= history windows, got " + gossipWindows + " and " + historyWindows);
        }
        this.gossipWindows = gossipWindows;
        this.historyWindows = historyWindows;
        history.addFirst(new ArrayList<>());
    }

    /** Adds a message unless its id is cached already; returns whether it was added. */
    boolean put(MessageId id, Message message) {
        if (messages.containsKey(id)) {
            return false;
        }
        messages.put(id, new Entry(message, message.getTopic()));
        history.getFirst().add(id);
        return true;
    }

    Optional<Message> get(MessageId id) {
        Entry entry = messages.get(id);
        return entry == null ? Optional.empty() : Optional.of(entry.message);
    }

    boolean contains(MessageId id) {
        return messages.containsKey(id);
    }

    /**
     * The message for an IWANT from {@code peer}, unless that peer asked for it more than
     * {@code maxRequests} times already (the spec's gossip retransmission bound).
     */
    Optional<Message> getForPeer(MessageId id, PeerId peer, int maxRequests) {
        Entry entry = messages.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        int count = entry.iwantCounts.merge(peer, 1, Integer::sum);
        return count > maxRequests ? Optional.empty() : Optional.of(entry.message);
    }

    /** The ids of the messages of {@code topic} in the gossip windows, newest first. */
    List<MessageId> gossipIds(String topic) {
        List<MessageId> ids = new ArrayList<>();
        int window = 0;
        for (List<MessageId> slot : history) {
            if (window++ >= gossipWindows) {
                break;
            }
            for (MessageId id : slot) {
                Entry entry = messages.get(id);
                if (entry != null && entry.topic.equals(topic)) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    /** Ends a heartbeat's window: opens a new one and drops the messages of the oldest. */
    void shift() {
        history.addFirst(new ArrayList<>());
        while (history.size() > historyWindows) {
            for (MessageId id : history.removeLast()) {
                messages.remove(id);
            }
        }
    }

    int size() {
        return messages.size();
    }
}
