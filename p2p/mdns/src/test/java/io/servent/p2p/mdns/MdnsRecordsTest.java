package io.servent.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MdnsRecordsTest {
    private static final PeerId PEER = PeerId.random();

    @Test
    void readsThePeerFromAJsLibp2pResponse() throws Exception {
        List<MdnsPeer> peers = MdnsRecords.peers(DnsCodec.decode(JsPackets.responseTwo()), "someoneelse");

        assertThat(peers).singleElement().satisfies(p -> {
            assertThat(p.peer()).isEqualTo(PeerId.parse(JsPackets.RESPONSE_TWO_PEER));
            assertThat(p.addresses())
                    .containsExactly(
                            Multiaddr.parse("/ip4/127.0.0.1/tcp/38229"), Multiaddr.parse("/ip6/::1/tcp/40155"));
            assertThat(p.ttl()).isEqualTo(Duration.ofSeconds(120));
        });
    }

    @Test
    void ignoresItsOwnName() throws Exception {
        DnsMessage response = DnsCodec.decode(JsPackets.responseOne());
        String jsName = ((DnsRecord.Ptr) response.answers().get(0)).target().first();

        assertThat(MdnsRecords.peers(response, jsName)).isEmpty();
        assertThat(MdnsRecords.peers(response, jsName.toUpperCase(java.util.Locale.ROOT)))
                .isEmpty();
        assertThat(MdnsRecords.peers(response, "other")).hasSize(1);
    }

    @Test
    void ourResponseIsWhatJsLibp2pExpects() throws Exception {
        List<Multiaddr> addresses = List.of(
                Multiaddr.parse("/ip4/192.168.1.7/tcp/4001/p2p/" + PEER),
                Multiaddr.parse("/ip6/fd00::7/tcp/4002/p2p/" + PEER));

        List<DnsMessage> responses = MdnsRecords.responses("mypeername", addresses, 120, 0, List.of());

        assertThat(responses).hasSize(1);
        DnsMessage decoded = DnsCodec.decode(DnsCodec.encode(responses.get(0)));
        assertThat(decoded.isResponse()).isTrue();
        assertThat(decoded.id()).isZero();
        // js-libp2p takes the last PTR among the answers; there must be exactly ours.
        assertThat(decoded.answers())
                .singleElement()
                .isEqualTo(
                        new DnsRecord.Ptr(MdnsRecords.SERVICE, 120, false, MdnsRecords.SERVICE.prepend("mypeername")));
        assertThat(decoded.additionals())
                .filteredOn(r -> r instanceof DnsRecord.Txt)
                .extracting(r -> ((DnsRecord.Txt) r).strings())
                .containsExactly(
                        List.of("dnsaddr=/ip4/192.168.1.7/tcp/4001/p2p/" + PEER),
                        List.of("dnsaddr=/ip6/fd00::7/tcp/4002/p2p/" + PEER));
        assertThat(decoded.additionals()).anySatisfy(r -> assertThat(r).isInstanceOf(DnsRecord.Srv.class));
        assertThat(decoded.additionals()).anySatisfy(r -> assertThat(r).isInstanceOf(DnsRecord.A.class));
        assertThat(decoded.additionals()).anySatisfy(r -> assertThat(r).isInstanceOf(DnsRecord.Aaaa.class));
        assertThat(MdnsRecords.peers(decoded, "me"))
                .containsExactly(new MdnsPeer(
                        PEER,
                        List.of(Multiaddr.parse("/ip4/192.168.1.7/tcp/4001"), Multiaddr.parse("/ip6/fd00::7/tcp/4002")),
                        Duration.ofSeconds(120)));
    }

    @Test
    void manyAddressesAreSplitIntoResponsesThatEachFitOneFrame() throws Exception {
        List<Multiaddr> addresses = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            addresses.add(Multiaddr.parse(
                    "/ip6/fd00::" + Integer.toHexString(i + 1) + "/tcp/" + (4000 + i) + "/p2p/" + PEER));
        }

        List<DnsMessage> responses = MdnsRecords.responses("mypeername", addresses, 120, 0, List.of());

        assertThat(responses.size()).isGreaterThan(1);
        List<Multiaddr> seen = new ArrayList<>();
        for (DnsMessage response : responses) {
            byte[] wire = DnsCodec.encode(response);
            assertThat(wire.length).isLessThanOrEqualTo(MdnsRecords.MAX_RESPONSE_LENGTH);
            assertThat(response.answers()).hasSize(1);
            MdnsRecords.peers(DnsCodec.decode(wire), "me").forEach(p -> seen.addAll(p.addresses()));
        }
        assertThat(seen)
                .containsExactlyInAnyOrderElementsOf(
                        addresses.stream().map(Multiaddr::withoutPeerId).toList());
    }

    @Test
    void leavesOutAddressesTooLongForATxtString() {
        Multiaddr tooLong = Multiaddr.parse("/dns4/" + "a".repeat(200) + ".example/tcp/1/p2p/" + PEER);
        Multiaddr fine = Multiaddr.parse("/ip4/10.1.2.3/tcp/1/p2p/" + PEER);

        assertThat(MdnsRecords.responses("n", List.of(tooLong), 120, 0, List.of()))
                .isEmpty();
        assertThat(MdnsRecords.responses("n", List.of(tooLong, fine), 120, 0, List.of()))
                .singleElement()
                .satisfies(m -> assertThat(m.additionals())
                        .filteredOn(r -> r instanceof DnsRecord.Txt)
                        .hasSize(1));
    }

    @Test
    void skipsGoodbyesStrangersAndJunk() {
        DnsName service = MdnsRecords.SERVICE;
        DnsName a = service.prepend("a");
        DnsName b = service.prepend("b");
        PeerId other = PeerId.random();
        DnsMessage response = DnsMessage.response(
                0,
                List.of(),
                List.of(
                        new DnsRecord.Ptr(service, 0, false, a), // goodbye
                        new DnsRecord.Ptr(DnsName.parse("_other._udp.local"), 120, false, b),
                        new DnsRecord.Ptr(service, 120, false, b)),
                List.of(
                        new DnsRecord.Txt(a, 120, false, List.of("dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/" + PEER)),
                        new DnsRecord.Txt(
                                b,
                                120,
                                false,
                                List.of(
                                        "dnsaddr=/ip4/10.0.0.2/tcp/1", // no PeerId
                                        "dnsaddr=not a multiaddr",
                                        "other=/ip4/10.0.0.3/tcp/1/p2p/" + other,
                                        "DNSADDR=/ip4/10.0.0.4/tcp/1/p2p/" + other)),
                        new DnsRecord.Txt(
                                service.prepend("c"), 120, false, List.of("dnsaddr=/ip4/10.0.0.5/tcp/1/p2p/" + PEER))));

        assertThat(MdnsRecords.peers(response, "me"))
                .containsExactly(
                        new MdnsPeer(other, List.of(Multiaddr.parse("/ip4/10.0.0.4/tcp/1")), Duration.ofSeconds(120)));
    }

    @Test
    void boundsPeersAndAddressesPerMessage() {
        List<DnsRecord> answers = new ArrayList<>();
        List<DnsRecord> additionals = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            DnsName instance = MdnsRecords.SERVICE.prepend("p" + i);
            answers.add(new DnsRecord.Ptr(MdnsRecords.SERVICE, 120, false, instance));
            additionals.add(new DnsRecord.Txt(
                    instance, 120, false, List.of("dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/" + PeerId.random())));
        }
        List<String> many = new ArrayList<>();
        for (int port = 1; port <= 100; port++) {
            many.add("dnsaddr=/ip4/10.0.0.1/tcp/" + port + "/p2p/" + PEER);
        }
        DnsName first = MdnsRecords.SERVICE.prepend("p0");
        additionals.add(0, new DnsRecord.Txt(first, 120, false, many));

        List<MdnsPeer> peers = MdnsRecords.peers(DnsMessage.response(0, List.of(), answers, additionals), "me");

        assertThat(peers).hasSize(MdnsRecords.MAX_PEERS_PER_MESSAGE);
        assertThat(peers.get(0).peer()).isEqualTo(PEER);
        assertThat(peers.get(0).addresses()).hasSize(MdnsRecords.MAX_ADDRESSES_PER_PEER);
    }

    @Test
    void recognisesQueriesForPeersAndServices() {
        DnsMessage any = DnsMessage.query(List.of(new DnsQuestion(MdnsRecords.SERVICE, DnsQuestion.TYPE_ANY, true)));
        DnsMessage txt = DnsMessage.query(List.of(new DnsQuestion(MdnsRecords.SERVICE, DnsRecord.TYPE_TXT, false)));
        DnsMessage meta =
                DnsMessage.query(List.of(new DnsQuestion(MdnsRecords.SERVICES_META, DnsRecord.TYPE_PTR, false)));

        assertThat(MdnsRecords.asksForPeers(any)).isTrue();
        assertThat(MdnsRecords.asksForPeers(txt)).isFalse();
        assertThat(MdnsRecords.asksForServices(meta)).isTrue();
        assertThat(MdnsRecords.asksForPeers(meta)).isFalse();
    }
}
