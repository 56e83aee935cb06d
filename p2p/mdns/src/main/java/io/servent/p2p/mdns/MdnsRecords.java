package io.servent.p2p.mdns;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The libp2p mDNS records: what a query and a response look like, and what a response says about
 * peers. Sans-I/O; stateless and thread-safe.
 *
 * <p>A response answers {@code _p2p._udp.local PTR <peer-name>._p2p._udp.local} and carries, as
 * additional records, one {@code <peer-name>._p2p._udp.local TXT "dnsaddr=<multiaddr>/p2p/<id>"} per
 * address, as the libp2p spec and js-libp2p do, plus an SRV record and A/AAAA records for DNS-SD
 * browsers and go-libp2p's zeroconf (which drops instances that have no address record). The
 * answer section holds exactly one PTR: js-libp2p reads only the last PTR of the answers.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/discovery/mdns.md">libp2p mDNS</a>
 */
final class MdnsRecords {
    static final DnsName SERVICE = DnsName.parse("_p2p._udp.local");
    /** DNS-SD's service enumeration name (RFC 6763 §9). */
    static final DnsName SERVICES_META = DnsName.parse("_services._dns-sd._udp.local");

    static final String DNSADDR = "dnsaddr=";
    /** Legacy unicast answers carry TTLs of at most 10 s (RFC 6762 §6.7). */
    static final long LEGACY_MAX_TTL = 10;
    /** Keeps responses within one Ethernet frame (1500 − IPv6 and UDP headers, with room to spare). */
    static final int MAX_RESPONSE_LENGTH = 1400;

    static final int MAX_PEERS_PER_MESSAGE = 16;
    static final int MAX_ADDRESSES_PER_PEER = 64;
    /** SRV needs a port; go-libp2p announces 4001 when it has nothing better. */
    private static final int FALLBACK_SRV_PORT = 4001;

    private MdnsRecords() {}

    static DnsMessage query() {
        return DnsMessage.query(List.of(new DnsQuestion(SERVICE, DnsRecord.TYPE_PTR, false)));
    }

    /** Whether a query asks for libp2p peers ({@code _p2p._udp.local} PTR or ANY). */
    static boolean asksForPeers(DnsMessage query) {
        return query.questions().stream().anyMatch(q -> q.asks(SERVICE, DnsRecord.TYPE_PTR));
    }

    /** Whether a query enumerates DNS-SD services. */
    static boolean asksForServices(DnsMessage query) {
        return query.questions().stream().anyMatch(q -> q.asks(SERVICES_META, DnsRecord.TYPE_PTR));
    }

    /** {@code _services._dns-sd._udp.local PTR _p2p._udp.local}. */
    static DnsMessage servicesResponse(int id, List<DnsQuestion> questions, long ttl) {
        return DnsMessage.response(
                id, questions, List.of(new DnsRecord.Ptr(SERVICES_META, ttl, false, SERVICE)), List.of());
    }

    /**
     * The responses announcing {@code addresses} (each ending in {@code /p2p/<id>}) under {@code
     * peerName}, split so that each fits {@link #MAX_RESPONSE_LENGTH} bytes; each repeats the PTR
     * answer. Addresses whose TXT string would exceed 255 bytes are left out. Empty if none is left.
     *
     * @param id 0 for multicast, the query's id for a legacy unicast answer
     * @param questions echoed back in legacy unicast answers, else empty
     */
    static List<DnsMessage> responses(
            String peerName, List<Multiaddr> addresses, long ttl, int id, List<DnsQuestion> questions) {
        DnsName instance = SERVICE.prepend(peerName);
        DnsName hostName = new DnsName(List.of(peerName, "local"));
        List<DnsRecord> txts = new ArrayList<>();
        Set<InetAddress> ips = new LinkedHashSet<>();
        int port = -1;
        for (Multiaddr address : addresses) {
            String text = DNSADDR + address;
            if (text.getBytes(StandardCharsets.UTF_8).length > DnsRecord.Txt.MAX_STRING_LENGTH) {
                continue;
            }
            txts.add(new DnsRecord.Txt(instance, ttl, false, List.of(text)));
            ip(address).ifPresent(ips::add);
            if (port < 0) {
                port = address.valueOf(MultiaddrProtocol.TCP)
                        .map(Integer::parseInt)
                        .orElse(-1);
            }
        }
        if (txts.isEmpty()) {
            return List.of();
        }
        List<DnsRecord> details = new ArrayList<>();
        details.add(new DnsRecord.Srv(instance, ttl, false, 0, 0, port < 0 ? FALLBACK_SRV_PORT : port, hostName));
        for (InetAddress ip : ips) {
            details.add(
                    ip instanceof Inet4Address v4
                            ? new DnsRecord.A(hostName, ttl, false, v4)
                            : new DnsRecord.Aaaa(hostName, ttl, false, (Inet6Address) ip));
        }
        List<DnsRecord> answers = List.of(new DnsRecord.Ptr(SERVICE, ttl, false, instance));
        List<DnsMessage> out = new ArrayList<>();
        List<DnsRecord> additionals = new ArrayList<>();
        for (DnsRecord txt : txts) {
            additionals.add(txt);
            if (encodedLength(id, questions, answers, additionals) > MAX_RESPONSE_LENGTH && additionals.size() > 1) {
                additionals.remove(additionals.size() - 1);
                out.add(DnsMessage.response(id, questions, answers, additionals));
                additionals = new ArrayList<>(List.of(txt));
            }
        }
        // SRV and address records ride in the last packet if they fit, else in one of their own.
        List<DnsRecord> withDetails = new ArrayList<>(additionals);
        withDetails.addAll(details);
        if (encodedLength(id, questions, answers, withDetails) <= MAX_RESPONSE_LENGTH) {
            out.add(DnsMessage.response(id, questions, answers, withDetails));
        } else {
            out.add(DnsMessage.response(id, questions, answers, additionals));
            out.add(DnsMessage.response(id, questions, answers, details));
        }
        return out;
    }

    private static int encodedLength(
            int id, List<DnsQuestion> q, List<DnsRecord> answers, List<DnsRecord> additionals) {
        return DnsCodec.encode(DnsMessage.response(id, q, answers, additionals)).length;
    }

    /** The IP of an {@code /ip4/…} or {@code /ip6/…} address. */
    static Optional<InetAddress> ip(Multiaddr address) {
        Multiaddr.Component first = address.components().get(0);
        if (first.protocol() != MultiaddrProtocol.IP4 && first.protocol() != MultiaddrProtocol.IP6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(first.value()));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a validated ip4/ip6 value is always an address", e);
        }
    }

    /**
     * The peers a response announces: for each {@code _p2p._udp.local} PTR answer (other than one
     * naming {@code ownPeerName}), the {@code dnsaddr=} strings of TXT records named by its target,
     * in the answers or additional records, grouped by the PeerId they end in. Strings that are not
     * multiaddrs with a PeerId are skipped, and so are records with TTL 0 (goodbyes). At most
     * {@value #MAX_PEERS_PER_MESSAGE} peers with {@value #MAX_ADDRESSES_PER_PEER} addresses each.
     */
    static List<MdnsPeer> peers(DnsMessage response, String ownPeerName) {
        List<DnsName> targets = new ArrayList<>();
        for (DnsRecord record : response.answers()) {
            if (record instanceof DnsRecord.Ptr ptr
                    && ptr.ttl() > 0
                    && ptr.name().equalsIgnoreCase(SERVICE)
                    && !ptr.target().first().equalsIgnoreCase(ownPeerName)
                    && targets.stream().noneMatch(t -> t.equalsIgnoreCase(ptr.target()))
                    && targets.size() < MAX_PEERS_PER_MESSAGE) {
                targets.add(ptr.target());
            }
        }
        Map<PeerId, Set<Multiaddr>> found = new LinkedHashMap<>();
        Map<PeerId, Long> ttls = new LinkedHashMap<>();
        List<DnsRecord> records = response.records();
        for (DnsName target : targets) {
            for (DnsRecord record : records) {
                if (!(record instanceof DnsRecord.Txt txt)
                        || txt.ttl() == 0
                        || !txt.name().equalsIgnoreCase(target)) {
                    continue;
                }
                for (String s : txt.strings()) {
                    parseDnsaddr(s).ifPresent(a -> {
                        PeerId peer = a.peerId().orElseThrow();
                        Set<Multiaddr> addresses = found.get(peer);
                        if (addresses == null) {
                            if (found.size() == MAX_PEERS_PER_MESSAGE) {
                                return;
                            }
                            addresses = new LinkedHashSet<>();
                            found.put(peer, addresses);
                        }
                        if (addresses.size() < MAX_ADDRESSES_PER_PEER) {
                            addresses.add(a.withoutPeerId());
                        }
                        ttls.merge(peer, txt.ttl(), Math::min);
                    });
                }
            }
        }
        List<MdnsPeer> out = new ArrayList<>(found.size());
        found.forEach((peer, addresses) ->
                out.add(new MdnsPeer(peer, List.copyOf(addresses), Duration.ofSeconds(ttls.getOrDefault(peer, 0L)))));
        return out;
    }

    /** {@code dnsaddr=<multiaddr>} (the key is case-insensitive, RFC 6763 §6.4) whose address names a peer. */
    static Optional<Multiaddr> parseDnsaddr(String s) {
        if (!s.regionMatches(true, 0, DNSADDR, 0, DNSADDR.length())) {
            return Optional.empty();
        }
        try {
            Multiaddr address = Multiaddr.parse(s.substring(DNSADDR.length()));
            if (address.peerId().isEmpty() || address.components().size() < 2) {
                return Optional.empty();
            }
            return Optional.of(address);
        } catch (MultiformatException e) {
            return Optional.empty();
        }
    }
}
