/**
 * AutoNAT v1: learning whether this peer is publicly reachable. {@link
 * io.servent.p2p.autonat.AutonatService} dials requesters back (same IP only, rate-limited);
 * {@link io.servent.p2p.autonat.AutonatClient} asks peers and publishes a {@link
 * io.servent.p2p.autonat.Reachability} to listeners, which DHT mode and relay reservations follow.
 *
 * <p>Wiring: {@code new AutonatService(host, AutonatConfig.defaults(), host::probe)} with a {@code
 * BasicHost}, whose probe dials on a fresh connection; {@code new AutonatClient(host,
 * config).start()}.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/autonat/autonat-v1.md">autonat-v1</a>
 */
@NullMarked
package io.servent.p2p.autonat;

import org.jspecify.annotations.NullMarked;
