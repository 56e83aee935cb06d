package io.servent.p2p.host;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Peerstore;
import io.servent.p2p.api.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory peerstore, bounded in peers and in entries per peer. When full, the peer seen least
 * recently that {@code isProtected} does not claim (connected peers) is forgotten. Thread-safe: each
 * peer's record is guarded by its own monitor, held only for in-memory updates.
 */
public final class MemoryPeerstore implements Peerstore {
    public static final int DEFAULT_MAX_PEERS = 10_000;
    static final int MAX_ADDRESSES_PER_PEER = 64;
    static final int MAX_PROTOCOLS_PER_PEER = 256;
    static final int MAX_PROTOCOL_LENGTH = 512;
    static final int MAX_AGENT_LENGTH = 512;
    /** Weight of a new sample in the latency moving average. */
    private static final double LATENCY_ALPHA = 0.1;

    private final int maxPeers;
    private final Clock clock;
    private final Map<PeerId, PeerRecord> records = new ConcurrentHashMap<>();
    private volatile Predicate<PeerId> isProtected = peer -> false;

    public MemoryPeerstore() {
        this(DEFAULT_MAX_PEERS, Clock.systemUTC());
    }

    public MemoryPeerstore(int maxPeers, Clock clock) {
        this.maxPeers = maxPeers;
        this.clock = clock;
    }

    /** Peers for which this answers true are never evicted (the host passes "is connected"). */
    public void setProtected(Predicate<PeerId> isProtected) {
        this.isProtected = isProtected;
    }

    private static final class PeerRecord {
        final Map<Multiaddr, Instant> addresses = new LinkedHashMap<>();

        @Nullable
        PublicKey key;

        Set<String> protocols = Set.of();

        @Nullable
        String agentVersion;

        @Nullable
        String protocolVersion;

        double latencyNanos = -1;
        volatile Instant lastTouched;

        PeerRecord(Instant now) {
            lastTouched = now;
        }
    }

    private PeerRecord record(PeerId peer) {
        PeerRecord existing = records.get(peer);
        Instant now = clock.instant();
        if (existing != null) {
            existing.lastTouched = now;
            return existing;
        }
        if (records.size() >= maxPeers) {
            evictOne();
        }
        return records.computeIfAbsent(peer, p -> new PeerRecord(now));
    }

    private void evictOne() {
        records.entrySet().stream()
                .filter(e -> !isProtected.test(e.getKey()))
                .min(Comparator.comparing(e -> e.getValue().lastTouched))
                .ifPresent(e -> records.remove(e.getKey()));
    }

    @Override
    public void addAddresses(PeerId peer, Collection<Multiaddr> addresses, Duration ttl) {
        update(peer, addresses, ttl, false);
    }

    @Override
    public void setAddresses(PeerId peer, Collection<Multiaddr> addresses, Duration ttl) {
        update(peer, addresses, ttl, true);
    }

    private void update(PeerId peer, Collection<Multiaddr> addresses, Duration ttl, boolean replace) {
        Instant expiry = expiry(ttl);
        PeerRecord r = record(peer);
        synchronized (r) {
            if (replace) {
                r.addresses.clear();
            }
            for (Multiaddr a : addresses) {
                Multiaddr bare = a.withoutPeerId();
                Instant current = r.addresses.get(bare);
                if (current == null && r.addresses.size() >= MAX_ADDRESSES_PER_PEER) {
                    dropExpired(r);
                    if (r.addresses.size() >= MAX_ADDRESSES_PER_PEER) {
                        continue;
                    }
                }
                if (current == null || current.isBefore(expiry)) {
                    r.addresses.put(bare, expiry);
                }
            }
        }
    }

    private Instant expiry(Duration ttl) {
        Instant now = clock.instant();
        return ttl.compareTo(Duration.ofDays(3650)) > 0 ? Instant.MAX : now.plus(ttl);
    }

    private void dropExpired(PeerRecord r) {
        Instant now = clock.instant();
        r.addresses.values().removeIf(expiry -> expiry.isBefore(now));
    }

    @Override
    public List<Multiaddr> addresses(PeerId peer) {
        PeerRecord r = records.get(peer);
        if (r == null) {
            return List.of();
        }
        synchronized (r) {
            dropExpired(r);
            return new ArrayList<>(r.addresses.keySet());
        }
    }

    @Override
    public void putPublicKey(PeerId peer, PublicKey key) {
        if (!peer.matches(key)) {
            throw new IllegalArgumentException("public key does not belong to " + peer);
        }
        PeerRecord r = record(peer);
        synchronized (r) {
            r.key = key;
        }
    }

    @Override
    public Optional<PublicKey> publicKey(PeerId peer) {
        PeerRecord r = records.get(peer);
        if (r != null) {
            synchronized (r) {
                if (r.key != null) {
                    return Optional.of(r.key);
                }
            }
        }
        return peer.publicKey();
    }

    @Override
    public void setProtocols(PeerId peer, Collection<String> protocols) {
        Set<String> bounded = new LinkedHashSet<>();
        for (String p : protocols) {
            if (bounded.size() >= MAX_PROTOCOLS_PER_PEER) {
                break;
            }
            if (!p.isEmpty() && p.length() <= MAX_PROTOCOL_LENGTH) {
                bounded.add(p);
            }
        }
        PeerRecord r = record(peer);
        synchronized (r) {
            r.protocols = Set.copyOf(bounded);
        }
    }

    @Override
    public Set<String> protocols(PeerId peer) {
        PeerRecord r = records.get(peer);
        if (r == null) {
            return Set.of();
        }
        synchronized (r) {
            return r.protocols;
        }
    }

    @Override
    public void setAgentVersion(PeerId peer, String agentVersion) {
        PeerRecord r = record(peer);
        synchronized (r) {
            r.agentVersion = truncate(agentVersion);
        }
    }

    @Override
    public Optional<String> agentVersion(PeerId peer) {
        PeerRecord r = records.get(peer);
        if (r == null) {
            return Optional.empty();
        }
        synchronized (r) {
            return Optional.ofNullable(r.agentVersion);
        }
    }

    @Override
    public void setProtocolVersion(PeerId peer, String protocolVersion) {
        PeerRecord r = record(peer);
        synchronized (r) {
            r.protocolVersion = truncate(protocolVersion);
        }
    }

    @Override
    public Optional<String> protocolVersion(PeerId peer) {
        PeerRecord r = records.get(peer);
        if (r == null) {
            return Optional.empty();
        }
        synchronized (r) {
            return Optional.ofNullable(r.protocolVersion);
        }
    }

    private static String truncate(String s) {
        return s.length() <= MAX_AGENT_LENGTH ? s : s.substring(0, MAX_AGENT_LENGTH);
    }

    @Override
    public void recordLatency(PeerId peer, Duration rtt) {
        PeerRecord r = record(peer);
        synchronized (r) {
            double sample = rtt.toNanos();
            r.latencyNanos =
                    r.latencyNanos < 0 ? sample : (1 - LATENCY_ALPHA) * r.latencyNanos + LATENCY_ALPHA * sample;
        }
    }

    @Override
    public Optional<Duration> latency(PeerId peer) {
        PeerRecord r = records.get(peer);
        if (r == null) {
            return Optional.empty();
        }
        synchronized (r) {
            return r.latencyNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos((long) r.latencyNanos));
        }
    }

    @Override
    public Set<PeerId> peers() {
        return Set.copyOf(records.keySet());
    }

    @Override
    public void remove(PeerId peer) {
        records.remove(peer);
    }
}
