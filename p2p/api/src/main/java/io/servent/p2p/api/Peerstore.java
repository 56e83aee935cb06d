package io.servent.p2p.api;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a host knows about other peers: addresses (with expiry), public keys, protocols, agent
 * version and latency. Bounded in peers and per-peer entries. Thread-safe.
 */
public interface Peerstore {
    /** Addresses learned from a connected peer's own identify stay while it is connected. */
    Duration CONNECTED_TTL = Duration.ofDays(365);

    Duration RECENTLY_CONNECTED_TTL = Duration.ofMinutes(30);

    Duration TEMPORARY_TTL = Duration.ofMinutes(2);

    /** Adds addresses, extending the expiry of ones already known. */
    void addAddresses(PeerId peer, Collection<Multiaddr> addresses, Duration ttl);

    /** Replaces every known address of {@code peer}. */
    void setAddresses(PeerId peer, Collection<Multiaddr> addresses, Duration ttl);

    /** Unexpired addresses, without {@code /p2p/} suffix. */
    List<Multiaddr> addresses(PeerId peer);

    /** Records a key after checking it matches the id. */
    void putPublicKey(PeerId peer, PublicKey key);

    Optional<PublicKey> publicKey(PeerId peer);

    void setProtocols(PeerId peer, Collection<String> protocols);

    Set<String> protocols(PeerId peer);

    void setAgentVersion(PeerId peer, String agentVersion);

    Optional<String> agentVersion(PeerId peer);

    void setProtocolVersion(PeerId peer, String protocolVersion);

    Optional<String> protocolVersion(PeerId peer);

    /** Folds a round-trip sample into the peer's moving average. */
    void recordLatency(PeerId peer, Duration rtt);

    Optional<Duration> latency(PeerId peer);

    Set<PeerId> peers();

    void remove(PeerId peer);
}
