package io.servent.p2p.kad;

import io.servent.p2p.api.PeerId;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses the PeerIds that DHT messages repeat over and over through a JVM-wide cache. Parsing an
 * Ed25519 PeerId validates its inlined key as a curve point, which costs a modular exponentiation:
 * without the cache that was half the CPU of a many-host test, where every response names twenty
 * peers the receiver has seen many times. PeerIds are immutable, so sharing them between hosts (and
 * a simulator's thousands of DHTs) is safe. Bounded: the cache is cleared when it fills up.
 * Thread-safe.
 */
final class KadPeerIds {
    static final int MAX_CACHED = 16_384;
    private static final ConcurrentHashMap<ByteKey, PeerId> CACHE = new ConcurrentHashMap<>();

    private KadPeerIds() {}

    /**
     * @throws io.servent.p2p.api.MultiformatException as {@link PeerId#fromBytes} does
     */
    static PeerId fromBytes(byte[] bytes) {
        ByteKey key = new ByteKey(bytes);
        PeerId cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        PeerId parsed = PeerId.fromBytes(bytes);
        if (CACHE.size() >= MAX_CACHED) {
            CACHE.clear();
        }
        CACHE.put(key, parsed);
        return parsed;
    }
}
