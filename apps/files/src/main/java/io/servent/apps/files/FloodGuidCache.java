package io.servent.apps.files;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Query ids seen recently, so a flooded query is handled once per peer however many paths bring it.
 * Bounded in entries (oldest forgotten first) and in age. Thread-safe.
 */
final class FloodGuidCache {
    private final int capacity;
    private final long maxAgeNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<ByteBuffer, Long> seen = new LinkedHashMap<>();

    FloodGuidCache(int capacity, long maxAgeNanos) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** Records {@code guid}; true if it is new (not seen within the bounds). */
    boolean firstSeen(byte[] guid, long nanos) {
        ByteBuffer key = ByteBuffer.wrap(guid.clone());
        lock.lock();
        try {
            var it = seen.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<ByteBuffer, Long> e = it.next();
                if (seen.size() > capacity || nanos - e.getValue() > maxAgeNanos) {
                    it.remove();
                } else {
                    break;
                }
            }
            if (seen.containsKey(key)) {
                return false;
            }
            seen.put(key, nanos);
            if (seen.size() > capacity) {
                it = seen.entrySet().iterator();
                it.next();
                it.remove();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return seen.size();
        } finally {
            lock.unlock();
        }
    }
}
