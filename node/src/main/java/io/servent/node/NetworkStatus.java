package io.servent.node;

import io.servent.p2p.api.Host;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.host.Bootstrapper;
import io.servent.p2p.relay.RelayReservation;
import io.servent.p2p.relay.RelayService;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/v1/network}: how this node sits in the network — what AutoNAT concluded, the DHT's
 * mode, relaying in both directions, addresses, mDNS and bootstrap peers.
 *
 * @param reachability {@code unknown}, {@code public} or {@code private}
 * @param reachabilityForced whether {@code [autonat].force_reachability} set it rather than AutoNAT
 * @param dht the DHT's state
 * @param pubsub whether gossipsub runs
 * @param mdns whether mDNS discovery runs
 * @param relay relaying for others and through others
 * @param listenAddresses what the host listens on (including {@code /p2p-circuit} listeners)
 * @param advertisedAddresses what peers are told to dial, each with {@code /p2p/<self>}
 * @param bootstrap the bootstrap peers and how each is doing
 * @param connections open connections
 */
public record NetworkStatus(
        String peerId,
        String reachability,
        boolean reachabilityForced,
        Dht dht,
        boolean pubsub,
        boolean mdns,
        Relay relay,
        List<String> listenAddresses,
        List<String> advertisedAddresses,
        List<BootstrapPeer> bootstrap,
        int connections) {

    /**
     * @param enabled whether the DHT runs
     * @param mode {@code client} or {@code server} now, null when off
     * @param configuredMode {@code auto}, {@code client} or {@code server}
     * @param routingTableSize peers in the routing table
     */
    public record Dht(boolean enabled, @Nullable String mode, String configuredMode, int routingTableSize) {}

    /**
     * @param service whether this node relays for others
     * @param serviceReservations reservations it holds for others
     * @param serviceCircuits connections it relays now
     * @param client whether this node reserves on relays when private
     * @param reservations its reservations on relays
     */
    public record Relay(
            boolean service,
            int serviceReservations,
            int serviceCircuits,
            boolean client,
            List<Reservation> reservations) {}

    /** A reservation on a relay: until when, and the addresses this node is reachable at through it. */
    public record Reservation(String relay, String expiry, List<String> addresses) {}

    /** A bootstrap address, whether it is connected and how many attempts failed in a row. */
    public record BootstrapPeer(String address, boolean connected, int failures) {}

    static NetworkStatus of(Host host, NetworkServices network) {
        PeerId self = host.peerId();
        NetworkServicesConfig config = network.config();
        Dht dht = network.dht()
                .map(d -> new Dht(
                        true,
                        NetworkServices.lower(d.mode()),
                        NetworkServices.lower(config.dhtMode()),
                        d.routingTableSize()))
                .orElse(new Dht(false, null, NetworkServices.lower(config.dhtMode()), 0));
        @Nullable RelayService service = network.relayService().orElse(null);
        List<Reservation> reservations = network.relayReservations().stream()
                .map(r -> reservation(r, self))
                .toList();
        Relay relay = new Relay(
                service != null,
                service == null ? 0 : service.reservationCount(),
                service == null ? 0 : service.circuitCount(),
                config.relayClient(),
                reservations);
        List<BootstrapPeer> bootstrap = network.bootstrapper()
                .map(b -> b.status().stream().map(NetworkStatus::bootstrapPeer).toList())
                .orElse(List.of());
        return new NetworkStatus(
                self.toString(),
                NetworkServices.lower(network.reachability()),
                network.reachabilityForced(),
                dht,
                network.pubsub().isPresent(),
                network.mdns().isPresent(),
                relay,
                host.listenAddresses().stream().map(Multiaddr::toString).toList(),
                host.advertisedAddresses().stream()
                        .map(a -> a.withPeerId(self).toString())
                        .toList(),
                bootstrap,
                host.connections().size());
    }

    private static Reservation reservation(RelayReservation r, PeerId self) {
        return new Reservation(
                r.relay().toString(),
                r.expiry().toString(),
                r.circuitAddresses().stream()
                        .map(a -> a.withPeerId(self).toString())
                        .toList());
    }

    private static BootstrapPeer bootstrapPeer(Bootstrapper.Target t) {
        return new BootstrapPeer(t.address().toString(), t.connected(), t.failures());
    }
}
