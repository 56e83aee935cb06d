package io.servent.p2p.relay;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.PeerId;
import java.util.List;
import java.util.Optional;

/**
 * A parsed circuit address, {@code [/<transport address>]/p2p/RELAY/p2p-circuit[/p2p/TARGET]}.
 *
 * @param relayAddress the way to the relay with its {@code /p2p/RELAY}, or empty when only the id is given
 * @param relay the relay
 * @param target the peer behind the relay, if the address names one
 */
record CircuitAddress(Optional<Multiaddr> relayAddress, PeerId relay, Optional<PeerId> target) {

    /**
     * @throws IllegalArgumentException if {@code address} is not a single-hop circuit address
     */
    static CircuitAddress parse(Multiaddr address) {
        List<Multiaddr.Component> parts = address.components();
        int circuit = -1;
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).protocol() == MultiaddrProtocol.P2P_CIRCUIT) {
                if (circuit >= 0) {
                    throw new IllegalArgumentException("relays do not chain; two /p2p-circuit in " + address);
                }
                circuit = i;
            }
        }
        if (circuit < 1 || parts.get(circuit - 1).protocol() != MultiaddrProtocol.P2P) {
            throw new IllegalArgumentException(
                    "a circuit address is /…/p2p/RELAY/p2p-circuit[/p2p/TARGET], not " + address);
        }
        PeerId relay = PeerId.fromBytes(parts.get(circuit - 1).value());
        Optional<Multiaddr> relayAddress =
                circuit == 1 ? Optional.empty() : Optional.of(Multiaddr.of(parts.subList(0, circuit)));
        List<Multiaddr.Component> rest = parts.subList(circuit + 1, parts.size());
        if (rest.isEmpty()) {
            return new CircuitAddress(relayAddress, relay, Optional.empty());
        }
        if (rest.size() != 1 || rest.get(0).protocol() != MultiaddrProtocol.P2P) {
            throw new IllegalArgumentException("only /p2p/TARGET may follow /p2p-circuit in " + address);
        }
        return new CircuitAddress(
                relayAddress, relay, Optional.of(PeerId.fromBytes(rest.get(0).value())));
    }

    static boolean isCircuit(Multiaddr address) {
        return address.has(MultiaddrProtocol.P2P_CIRCUIT);
    }
}
