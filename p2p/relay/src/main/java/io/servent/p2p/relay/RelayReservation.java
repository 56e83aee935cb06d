package io.servent.p2p.relay;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import java.time.Instant;
import java.util.List;

/**
 * A reservation a relay granted this peer.
 *
 * @param relay the relay
 * @param expiry when it ends unless refreshed (whole seconds, as on the wire)
 * @param relayAddresses the relay's addresses as it reported them, each ending in {@code /p2p/<relay>}
 * @param limit what the relay allows each relayed connection
 * @param voucherVerified whether the relay sent a voucher (it was then verified; a bad one fails the reservation)
 */
public record RelayReservation(
        PeerId relay, Instant expiry, List<Multiaddr> relayAddresses, RelayLimit limit, boolean voucherVerified) {
    public RelayReservation {
        relayAddresses = List.copyOf(relayAddresses);
    }

    /** The addresses others can reach this peer at through the relay, without the final {@code /p2p/<self>}. */
    public List<Multiaddr> circuitAddresses() {
        return relayAddresses.stream()
                .map(a -> a.encapsulate(Multiaddr.parse("/p2p-circuit")))
                .toList();
    }
}
