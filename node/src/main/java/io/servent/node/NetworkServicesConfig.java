package io.servent.node;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.autonat.AutonatConfig;
import io.servent.p2p.autonat.Reachability;
import io.servent.p2p.host.BootstrapConfig;
import io.servent.p2p.relay.RelayConfig;
import io.servent.p2p.relay.RelayLimit;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which peer-to-peer services a daemon runs on its host and how: bootstrap, mDNS, the DHT, gossipsub,
 * circuit relay (service and client) and AutoNAT. Immutable and thread-safe; start from {@link
 * #defaults()}. Each component names its {@code servent.toml} key.
 *
 * @param bootstrap peers dialed at start and redialed when lost ({@code [network].bootstrap})
 * @param minConnections below this many connections, dial known peers ({@code [network].min_connections})
 * @param mdns discover and connect to peers on the local link ({@code [mdns].enabled})
 * @param mdnsInterfaces interfaces mDNS uses, by name; empty: every multicast-capable LAN interface
 *     ({@code [mdns].interfaces})
 * @param dht run the Kademlia DHT ({@code [dht].enabled})
 * @param dhtMode client, server, or auto: follow AutoNAT ({@code [dht].mode})
 * @param pubsub run gossipsub ({@code [pubsub].enabled})
 * @param relayService relay for other peers ({@code [relay].service})
 * @param relayMaxReservations reservations a relay holds at once ({@code [relay].max_reservations})
 * @param relayCircuitDuration how long one relayed connection may last ({@code [relay].circuit_duration_seconds})
 * @param relayCircuitData bytes one relayed connection may carry each way ({@code [relay].circuit_data})
 * @param relayClient when AutoNAT says private, reserve on relays and advertise /p2p-circuit addresses
 *     ({@code [relay].client})
 * @param relayStatic relays to reserve on when private, besides connected peers that offer relaying
 *     ({@code [relay].static})
 * @param autonatService dial back peers that ask whether they are reachable ({@code [autonat].service})
 * @param autonatMaxRequests dial-back requests served per minute ({@code [autonat].max_requests_per_minute})
 * @param autonatMaxRequestsPerPeer of those, per peer ({@code [autonat].max_requests_per_peer_per_minute})
 * @param forceReachability skip AutoNAT and act as if it had said this; null: let AutoNAT decide
 *     ({@code [autonat].force_reachability})
 */
public record NetworkServicesConfig(
        List<Multiaddr> bootstrap,
        int minConnections,
        boolean mdns,
        List<String> mdnsInterfaces,
        boolean dht,
        DhtMode dhtMode,
        boolean pubsub,
        boolean relayService,
        int relayMaxReservations,
        Duration relayCircuitDuration,
        long relayCircuitData,
        boolean relayClient,
        List<Multiaddr> relayStatic,
        boolean autonatService,
        int autonatMaxRequests,
        int autonatMaxRequestsPerPeer,
        @Nullable Reachability forceReachability) {

    /** How many relays a private node reserves on at most. */
    public static final int MAX_RELAYS = 3;

    /** {@code [dht].mode}. */
    public enum DhtMode {
        /**
         * Follow AutoNAT: server once public, client once private. Until AutoNAT knows, a server, so a
         * fresh network (or a LAN) can form a DHT at all; an unreachable server only costs others a
         * failed request, and it demotes itself once AutoNAT says so.
         */
        AUTO,
        CLIENT,
        SERVER
    }

    public NetworkServicesConfig {
        bootstrap = List.copyOf(bootstrap);
        relayStatic = List.copyOf(relayStatic);
        mdnsInterfaces = List.copyOf(mdnsInterfaces);
        if (bootstrap.size() > BootstrapConfig.MAX_PEERS) {
            throw new IllegalArgumentException(
                    "at most " + BootstrapConfig.MAX_PEERS + " bootstrap peers, not " + bootstrap.size());
        }
        if (minConnections < 0) {
            throw new IllegalArgumentException("min_connections cannot be negative: " + minConnections);
        }
        for (Multiaddr relay : relayStatic) {
            if (relay.peerId().isEmpty()) {
                throw new IllegalArgumentException("a static relay address must end in /p2p/<PeerId>: " + relay);
            }
        }
        if (relayMaxReservations < 0 || autonatMaxRequests < 0 || autonatMaxRequestsPerPeer < 0) {
            throw new IllegalArgumentException("relay and autonat limits cannot be negative");
        }
        if (relayCircuitDuration.isNegative() || relayCircuitData < 0) {
            throw new IllegalArgumentException("relay circuit limits cannot be negative");
        }
        if (forceReachability == Reachability.UNKNOWN) {
            forceReachability = null;
        }
    }

    /**
     * No bootstrap peers, at least 4 connections, mDNS, DHT in auto mode, gossipsub, AutoNAT service,
     * relay client on and relay service off (relaying costs bandwidth, so it is the operator's choice).
     */
    public static NetworkServicesConfig defaults() {
        RelayConfig relay = RelayConfig.defaults();
        AutonatConfig autonat = AutonatConfig.defaults();
        return new NetworkServicesConfig(
                List.of(),
                BootstrapConfig.defaults().minConnections(),
                true,
                List.of(),
                true,
                DhtMode.AUTO,
                true,
                false,
                relay.maxReservations(),
                relay.limit().duration(),
                relay.limit().data(),
                true,
                List.of(),
                true,
                autonat.maxRequestsPerWindow(),
                autonat.maxRequestsPerPeerPerWindow(),
                null);
    }

    /** Everything off: a host with identify, ping and perf only (for tests of other features). */
    public static NetworkServicesConfig none() {
        return defaults()
                .withMdns(false)
                .withDht(false)
                .withPubsub(false)
                .withRelayClient(false)
                .withAutonatService(false)
                .withMinConnections(0);
    }

    public BootstrapConfig bootstrapConfig() {
        return BootstrapConfig.defaults().withPeers(bootstrap).withMinConnections(minConnections);
    }

    public RelayConfig relayConfig() {
        return RelayConfig.defaults()
                .withMaxReservations(relayMaxReservations)
                .withLimit(new RelayLimit(relayCircuitDuration, relayCircuitData));
    }

    public AutonatConfig autonatConfig() {
        AutonatConfig defaults = AutonatConfig.defaults();
        return defaults.withRateLimits(defaults.rateWindow(), autonatMaxRequests, autonatMaxRequestsPerPeer);
    }

    private Builder toBuilder() {
        return new Builder(this);
    }

    public NetworkServicesConfig withBootstrap(List<Multiaddr> value) {
        return toBuilder().set(b -> b.bootstrap = value);
    }

    public NetworkServicesConfig withMinConnections(int value) {
        return toBuilder().set(b -> b.minConnections = value);
    }

    public NetworkServicesConfig withMdns(boolean value) {
        return toBuilder().set(b -> b.mdns = value);
    }

    public NetworkServicesConfig withMdnsInterfaces(List<String> value) {
        return toBuilder().set(b -> b.mdnsInterfaces = value);
    }

    public NetworkServicesConfig withDht(boolean value) {
        return toBuilder().set(b -> b.dht = value);
    }

    public NetworkServicesConfig withDhtMode(DhtMode value) {
        return toBuilder().set(b -> b.dhtMode = value);
    }

    public NetworkServicesConfig withPubsub(boolean value) {
        return toBuilder().set(b -> b.pubsub = value);
    }

    public NetworkServicesConfig withRelayService(boolean value) {
        return toBuilder().set(b -> b.relayService = value);
    }

    public NetworkServicesConfig withRelayMaxReservations(int value) {
        return toBuilder().set(b -> b.relayMaxReservations = value);
    }

    public NetworkServicesConfig withRelayCircuitDuration(Duration value) {
        return toBuilder().set(b -> b.relayCircuitDuration = value);
    }

    public NetworkServicesConfig withRelayCircuitData(long value) {
        return toBuilder().set(b -> b.relayCircuitData = value);
    }

    public NetworkServicesConfig withRelayClient(boolean value) {
        return toBuilder().set(b -> b.relayClient = value);
    }

    public NetworkServicesConfig withRelayStatic(List<Multiaddr> value) {
        return toBuilder().set(b -> b.relayStatic = value);
    }

    public NetworkServicesConfig withAutonatService(boolean value) {
        return toBuilder().set(b -> b.autonatService = value);
    }

    public NetworkServicesConfig withAutonatRateLimits(int total, int perPeer) {
        return toBuilder().set(b -> {
            b.autonatMaxRequests = total;
            b.autonatMaxRequestsPerPeer = perPeer;
        });
    }

    public NetworkServicesConfig withForceReachability(@Nullable Reachability value) {
        return toBuilder().set(b -> b.forceReachability = value);
    }

    /** The mutable copy behind the withers, so each is one line and none can swap two fields. */
    private static final class Builder {
        List<Multiaddr> bootstrap;
        int minConnections;
        boolean mdns;
        List<String> mdnsInterfaces;
        boolean dht;
        DhtMode dhtMode;
        boolean pubsub;
        boolean relayService;
        int relayMaxReservations;
        Duration relayCircuitDuration;
        long relayCircuitData;
        boolean relayClient;
        List<Multiaddr> relayStatic;
        boolean autonatService;
        int autonatMaxRequests;
        int autonatMaxRequestsPerPeer;

        @Nullable
        Reachability forceReachability;

        Builder(NetworkServicesConfig c) {
            bootstrap = c.bootstrap;
            minConnections = c.minConnections;
            mdns = c.mdns;
            mdnsInterfaces = c.mdnsInterfaces;
            dht = c.dht;
            dhtMode = c.dhtMode;
            pubsub = c.pubsub;
            relayService = c.relayService;
            relayMaxReservations = c.relayMaxReservations;
            relayCircuitDuration = c.relayCircuitDuration;
            relayCircuitData = c.relayCircuitData;
            relayClient = c.relayClient;
            relayStatic = c.relayStatic;
            autonatService = c.autonatService;
            autonatMaxRequests = c.autonatMaxRequests;
            autonatMaxRequestsPerPeer = c.autonatMaxRequestsPerPeer;
            forceReachability = c.forceReachability;
        }

        NetworkServicesConfig set(java.util.function.Consumer<Builder> change) {
            change.accept(this);
            return new NetworkServicesConfig(
                    bootstrap,
                    minConnections,
                    mdns,
                    mdnsInterfaces,
                    dht,
                    dhtMode,
                    pubsub,
                    relayService,
                    relayMaxReservations,
                    relayCircuitDuration,
                    relayCircuitData,
                    relayClient,
                    relayStatic,
                    autonatService,
                    autonatMaxRequests,
                    autonatMaxRequestsPerPeer,
                    forceReachability);
        }
    }
}
