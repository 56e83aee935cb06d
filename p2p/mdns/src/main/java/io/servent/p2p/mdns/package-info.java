/**
 * mDNS peer discovery on the local network ({@code _p2p._udp.local}), compatible with js-libp2p's
 * {@code @libp2p/mdns}, rust-libp2p and go-libp2p: {@link io.servent.p2p.mdns.MdnsDiscovery} (with
 * {@link io.servent.p2p.mdns.MdnsConfig}) answers and sends queries and reports
 * {@link io.servent.p2p.mdns.MdnsPeer}s; {@link io.servent.p2p.mdns.DnsCodec} is the strict,
 * bounded DNS message codec under it.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/discovery/mdns.md">libp2p mDNS</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6762">RFC 6762 Multicast DNS</a>
 */
@NullMarked
package io.servent.p2p.mdns;

import org.jspecify.annotations.NullMarked;
