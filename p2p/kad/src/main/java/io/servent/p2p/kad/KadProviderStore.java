package io.servent.p2p.kad;

import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Provider records: which peers said they provide a key (a multihash), each kept for {@code ttl}
 * after its last announcement (48 h by the spec). Bounded in total entries, in keys per provider, and
 * in providers per key (the most recently announced are kept).
 *
 * <p>Sans-I/O with the time passed in. Not thread-safe; its owner guards it.
 */
public final class KadProviderStore {
    private final Duration ttl;
    private final int maxEntries;
    private final int maxKeysPerProvider;
    private final int maxProvidersPerKey;
    /** Per key, providers by expiry in announcement order (oldest first). */
    private final Map<ByteKey, LinkedHashMap<PeerId, Instant>> byKey = new HashMap<>();

    private final Map<PeerId, Integer> keysPerProvider = new HashMap<>();
    private int entries;

    public KadProviderStore(Duration ttl, int maxEntries, int maxKeysPerProvider, int maxProvidersPerKey) {
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.maxKeysPerProvider = maxKeysPerProvider;
        this.maxProvidersPerKey = maxProvidersPerKey;
    }

    public static KadProviderStore of(KadConfig config) {
        KadLimits l = config.limits();
        return new KadProviderStore(
                config.providerTtl(), l.maxProviderEntries(), l.maxProviderKeysPerPeer(), l.maxProvidersPerKey());
    }

    /**
     * Records (or renews) {@code provider} for {@code key}.
     *
     * @return empty if stored, else why not (a bound was reached)
     */
    public Optional<String> add(byte[] key, PeerId provider, Instant now) {
        ByteKey k = new ByteKey(key);
        LinkedHashMap<PeerId, Instant> providers = byKey.get(k);
        Instant expiry = now.plus(ttl);
        if (providers != null && providers.remove(provider) != null) {
            providers.put(provider, expiry);
            return Optional.empty();
        }
        int keys = keysPerProvider.getOrDefault(provider, 0);
        if (keys >= maxKeysPerProvider) {
            return Optional.of(provider + " already provides " + keys + " keys here (maxProviderKeysPerPeer = "
                    + maxKeysPerProvider + ")");
        }
        if (entries >= maxEntries && (providers == null || providers.size() < maxProvidersPerKey)) {
            expire(now);
            if (entries >= maxEntries) {
                return Optional.of(
                        "provider store is full (" + entries + " entries, maxProviderEntries = " + maxEntries + ")");
            }
        }
        if (providers == null) {
            providers = new LinkedHashMap<>();
            byKey.put(k, providers);
        }
        if (providers.size() >= maxProvidersPerKey) {
            Iterator<Map.Entry<PeerId, Instant>> oldest = providers.entrySet().iterator();
            PeerId dropped = oldest.next().getKey();
            oldest.remove();
            uncount(dropped);
        }
        providers.put(provider, expiry);
        keysPerProvider.merge(provider, 1, Integer::sum);
        entries++;
        return Optional.empty();
    }

    /** Unexpired providers of {@code key}, most recently announced first, at most {@code max}. */
    public List<PeerId> providers(byte[] key, Instant now, int max) {
        LinkedHashMap<PeerId, Instant> providers = byKey.get(new ByteKey(key));
        if (providers == null) {
            return List.of();
        }
        List<PeerId> live = new ArrayList<>();
        for (Map.Entry<PeerId, Instant> e : providers.entrySet()) {
            if (now.isBefore(e.getValue())) {
                live.add(e.getKey());
            }
        }
        List<PeerId> newestFirst = new ArrayList<>(live.reversed());
        return newestFirst.size() > max ? List.copyOf(newestFirst.subList(0, max)) : newestFirst;
    }

    /** Drops expired entries (the spec allows doing this only periodically); returns how many. */
    public int expire(Instant now) {
        int dropped = 0;
        for (Iterator<LinkedHashMap<PeerId, Instant>> keys = byKey.values().iterator(); keys.hasNext(); ) {
            LinkedHashMap<PeerId, Instant> providers = keys.next();
            for (Iterator<Map.Entry<PeerId, Instant>> it = providers.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<PeerId, Instant> e = it.next();
                if (!now.isBefore(e.getValue())) {
                    it.remove();
                    uncount(e.getKey());
                    dropped++;
                }
            }
            if (providers.isEmpty()) {
                keys.remove();
            }
        }
        return dropped;
    }

    private void uncount(PeerId provider) {
        entries--;
        keysPerProvider.computeIfPresent(provider, (p, n) -> n <= 1 ? null : n - 1);
    }

    /** Entries (key, provider) stored, expired ones included until the next sweep. */
    public int size() {
        return entries;
    }

    /** Distinct keys with at least one entry. */
    public int keyCount() {
        return byKey.size();
    }
}
