package io.servent.p2p.gossipsub;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message ids seen within the last {@code ttl} milliseconds, to drop duplicates. Ids expire in
 * the order they were added (one TTL for all), so pruning stops at the first live entry. Bounded: past
 * {@code capacity} the oldest ids are forgotten early. Not thread-safe: owned by the router.
 */
final class SeenCache {
    private final long ttlMillis;
    private final int capacity;
    private final LinkedHashMap<MessageId, Long> expiries = new LinkedHashMap<>();
    private long evictedEarly;

    SeenCache(long ttlMillis, int capacity) {
        this.ttlMillis = ttlMillis;
        this.capacity = capacity;
    }

    /** Records {@code id}; returns false if it was already seen. */
    boolean add(MessageId id, long now) {
        if (expiries.containsKey(id)) {
            return false;
        }
        expiries.put(id, now + ttlMillis);
        if (expiries.size() > capacity) {
            Iterator<MessageId> oldest = expiries.keySet().iterator();
            oldest.next();
            oldest.remove();
            evictedEarly++;
        }
        return true;
    }

    boolean contains(MessageId id) {
        return expiries.containsKey(id);
    }

    void remove(MessageId id) {
        expiries.remove(id);
    }

    void prune(long now) {
        Iterator<Map.Entry<MessageId, Long>> it = expiries.entrySet().iterator();
        while (it.hasNext() && it.next().getValue() <= now) {
            it.remove();
        }
    }

    int size() {
        return expiries.size();
    }

    /** Ids forgotten before their TTL because the cache was full. */
    long evictedEarly() {
        return evictedEarly;
    }
}
