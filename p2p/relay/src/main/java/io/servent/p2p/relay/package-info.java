/**
 * Circuit relay v2: the hop service that relays ({@link io.servent.p2p.relay.RelayService}:
 * reservations with vouchers, per-IP and total limits, circuits with duration and data limits) and
 * the client as a transport ({@link io.servent.p2p.relay.RelayTransport}: dial and listen on
 * {@code /p2p-circuit} addresses, answer stop streams). Wire-compatible with go-libp2p and js-libp2p
 * ({@code @libp2p/circuit-relay-v2}).
 *
 * <p>Wiring: {@code new RelayService(host, RelayConfig.defaults())} makes a host a relay; {@code
 * host.addTransport(new RelayTransport(host))} then {@code host.listen(/…/p2p/RELAY/p2p-circuit)}
 * makes it reachable through one.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/relay/circuit-v2.md">circuit-v2</a>
 * @see <a href="https://github.com/libp2p/specs/blob/master/RFC/0002-signed-envelopes.md">signed envelopes</a>
 */
@NullMarked
package io.servent.p2p.relay;

import org.jspecify.annotations.NullMarked;
