package io.servent.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DnsCodecTest {
    private static final DnsName SERVICE = DnsName.parse("_p2p._udp.local");

    @Test
    void decodesTheQueryJsLibp2pSends() throws Exception {
        DnsMessage query = DnsCodec.decode(JsPackets.query());

        assertThat(query.isResponse()).isFalse();
        assertThat(query.id()).isZero();
        assertThat(query.questions()).containsExactly(new DnsQuestion(SERVICE, DnsRecord.TYPE_PTR, false));
        assertThat(query.records()).isEmpty();
        assertThat(MdnsRecords.asksForPeers(query)).isTrue();
    }

    @Test
    void encodesTheSameQueryJsLibp2pSends() {
        assertThat(DnsCodec.encode(MdnsRecords.query())).isEqualTo(JsPackets.query());
    }

    @Test
    void decodesAJsLibp2pResponse() throws Exception {
        DnsMessage response = DnsCodec.decode(JsPackets.responseTwo());

        assertThat(response.isResponse()).isTrue();
        assertThat(response.flags() & DnsMessage.FLAG_AUTHORITATIVE).isNotZero();
        assertThat(response.answers()).hasSize(3);
        DnsRecord.Ptr ptr = (DnsRecord.Ptr) response.answers().get(0);
        assertThat(ptr.name()).isEqualTo(SERVICE);
        assertThat(ptr.ttl()).isEqualTo(120);
        assertThat(ptr.target().labels()).hasSize(4);
        assertThat(ptr.target().first()).hasSize(63);
        DnsRecord.Txt ip4 = (DnsRecord.Txt) response.answers().get(1);
        DnsRecord.Txt ip6 = (DnsRecord.Txt) response.answers().get(2);
        assertThat(ip4.name()).isEqualTo(ptr.target());
        assertThat(ip4.strings())
                .containsExactly("dnsaddr=/ip4/127.0.0.1/tcp/38229/p2p/" + JsPackets.RESPONSE_TWO_PEER);
        assertThat(ip6.strings()).containsExactly("dnsaddr=/ip6/::1/tcp/40155/p2p/" + JsPackets.RESPONSE_TWO_PEER);
    }

    @Test
    void reEncodingAJsResponseDecodesToTheSameMessageAndCompresses() throws Exception {
        DnsMessage response = DnsCodec.decode(JsPackets.responseTwo());
        byte[] ours = DnsCodec.encode(response);

        assertThat(DnsCodec.decode(ours)).isEqualTo(response);
        // dns-packet writes every name in full; we point back at earlier ones.
        assertThat(ours.length).isLessThan(JsPackets.responseTwo().length - 100);
    }

    @Test
    void roundTripsEveryRecordType() throws Exception {
        DnsName instance = SERVICE.prepend("abc");
        DnsName host = DnsName.parse("abc.local");
        DnsMessage message = DnsMessage.response(
                0x1234,
                List.of(new DnsQuestion(SERVICE, DnsRecord.TYPE_PTR, true)),
                List.of(new DnsRecord.Ptr(SERVICE, 120, false, instance)),
                List.of(
                        new DnsRecord.Txt(instance, 120, true, List.of("dnsaddr=/ip4/10.0.0.1/tcp/1", "", "k=v")),
                        new DnsRecord.Srv(instance, 120, true, 1, 2, 4001, host),
                        new DnsRecord.A(host, 120, true, (java.net.Inet4Address) InetAddress.getByName("10.0.0.1")),
                        new DnsRecord.Aaaa(host, DnsRecord.MAX_TTL, false, (java.net.Inet6Address)
                                InetAddress.getByName("fd00::1"))));

        DnsMessage decoded = DnsCodec.decode(DnsCodec.encode(message));

        assertThat(decoded).isEqualTo(message);
        assertThat(decoded.questions().get(0).unicastResponse()).isTrue();
    }

    @Test
    void namesCompareCaseInsensitivelyButKeepTheirCase() throws Exception {
        DnsMessage message = DnsMessage.query(
                List.of(new DnsQuestion(DnsName.parse("_P2P._UDP.LOCAL"), DnsQuestion.TYPE_ANY, false)));
        DnsMessage decoded = DnsCodec.decode(DnsCodec.encode(message));

        assertThat(decoded.questions().get(0).name().toString()).isEqualTo("_P2P._UDP.LOCAL");
        assertThat(MdnsRecords.asksForPeers(decoded)).isTrue();
    }

    @Test
    void skipsRecordsOfOtherTypesAndClasses() throws Exception {
        Packet p = Packet.response(0, 3);
        p.name("a", "local").u16(47).u16(1).u32(120).data(5, 0, 0, 0, 0, 0); // NSEC: skipped
        p.name("b", "local").u16(1).u16(3).u32(120).data(1, 2, 3, 4); // class CH: skipped
        p.name("c", "local").u16(1).u16(0x8001).u32(120).data(10, 0, 0, 1); // A with cache-flush

        DnsMessage m = DnsCodec.decode(p.bytes());

        assertThat(m.answers()).hasSize(1);
        DnsRecord.A a = (DnsRecord.A) m.answers().get(0);
        assertThat(a.cacheFlush()).isTrue();
        assertThat(a.address().getHostAddress()).isEqualTo("10.0.0.1");
    }

    @Test
    void skipsTxtRecordsWithBinaryValues() throws Exception {
        Packet p = Packet.response(0, 2);
        p.name("a", "local").u16(16).u16(1).u32(120).data(3, 'k', '=', 0xFF);
        p.name("a", "local").u16(16).u16(1).u32(120).data(3, 'k', '=', 'v');

        DnsMessage m = DnsCodec.decode(p.bytes());

        assertThat(m.answers()).singleElement().satisfies(r -> assertThat(((DnsRecord.Txt) r).strings())
                .containsExactly("k=v"));
    }

    @Test
    void followsBackwardPointers() throws Exception {
        Packet p = Packet.response(0, 2);
        int service = p.position();
        p.name("_p2p", "_udp", "local").u16(12).u16(1).u32(120);
        // PTR data: "peer" then a pointer back to the service name.
        int instance = p.position() + 2;
        p.u16(7).label("peer").pointer(service);
        // The TXT record's name points at the PTR's data, which itself ends in a pointer.
        p.pointer(instance).u16(16).u16(1).u32(120).data(2, 'h', 'i');

        DnsMessage m = DnsCodec.decode(p.bytes());

        assertThat(((DnsRecord.Ptr) m.answers().get(0)).target()).isEqualTo(SERVICE.prepend("peer"));
        assertThat(m.answers().get(1).name()).isEqualTo(SERVICE.prepend("peer"));
    }

    @Test
    void refusesAPointerToItself() {
        Packet p = Packet.query(1);
        p.pointer(12).u16(12).u16(1);
        assertMalformed(p.bytes(), "points forward or into its own name");
    }

    @Test
    void refusesAForwardPointer() {
        Packet p = Packet.query(1);
        p.pointer(20).u16(12).u16(1).label("x").end();
        assertMalformed(p.bytes(), "points forward");
    }

    @Test
    void refusesAPointerLoopThroughTwoNames() {
        // Every loop needs a pointer that does not go back before all the name has visited.
        Packet loop = Packet.query(2);
        loop.label("a").pointer(20).u16(12).u16(1); // 12: "a" then a pointer forward to 20
        loop.label("b").pointer(12).u16(12).u16(1); // 20: "b" then a pointer back to 12, which points to 20 …
        assertMalformed(loop.bytes(), "points forward");
    }

    @Test
    void refusesAPointerIntoTheHeader() {
        Packet p = Packet.query(1);
        p.pointer(4).u16(12).u16(1);
        assertMalformed(p.bytes(), "into the header");
    }

    @Test
    void refusesTooManyPointers() {
        // 70 names, each a label and a pointer to the previous: following the last needs 69 jumps.
        Packet p = Packet.query(70);
        int previous = -1;
        for (int i = 0; i < 70; i++) {
            int here = p.position();
            if (previous < 0) {
                p.label("x").end();
            } else {
                p.pointer(previous);
            }
            p.u16(12).u16(1);
            previous = here;
        }
        assertMalformed(p.bytes(), "more than " + DnsCodec.MAX_POINTERS + " pointers");
    }

    @Test
    void refusesReservedLabelTypes() {
        Packet p = Packet.query(1);
        p.raw(0x41, 'x').end().u16(12).u16(1);
        assertMalformed(p.bytes(), "reserved");
        Packet q = Packet.query(1);
        q.raw(0x80, 'x').end().u16(12).u16(1);
        assertMalformed(q.bytes(), "reserved");
    }

    @Test
    void refusesNamesLongerThan255Bytes() {
        Packet p = Packet.query(1);
        for (int i = 0; i < 5; i++) {
            p.label("x".repeat(60));
        }
        p.end().u16(12).u16(1);
        assertMalformed(p.bytes(), "longer than 255");
    }

    @Test
    void refusesALabelThatRunsPastTheEnd() {
        Packet p = Packet.query(1);
        p.raw(10, 'a', 'b', 'c', 'd');
        assertMalformed(p.bytes(), "runs past the end");
    }

    @Test
    void refusesLabelsThatAreNotUtf8() {
        Packet p = Packet.query(1);
        p.raw(2, 0xC3, 0x28).end().u16(12).u16(1);
        assertMalformed(p.bytes(), "not UTF-8");
    }

    @Test
    void refusesRecordDataOfTheWrongLength() {
        Packet a = Packet.response(0, 1);
        a.name("h", "local").u16(1).u16(1).u32(1).data(1, 2, 3, 4, 5);
        assertMalformed(a.bytes(), "4 bytes of data, not 5");

        Packet aaaa = Packet.response(0, 1);
        aaaa.name("h", "local").u16(28).u16(1).u32(1).data(1, 2, 3, 4);
        assertMalformed(aaaa.bytes(), "16 bytes of data, not 4");

        Packet ptr = Packet.response(0, 1);
        ptr.name("h", "local").u16(12).u16(1).u32(1).u16(5).label("ab").end().raw(0); // name is 4 bytes of 5
        assertMalformed(ptr.bytes(), "its content took 4");

        Packet srv = Packet.response(0, 1);
        srv.name("h", "local").u16(33).u16(1).u32(1).data(0, 0, 0);
        assertMalformed(srv.bytes(), "too short");
    }

    @Test
    void refusesTxtStringsThatOverrunTheirRecord() {
        Packet p = Packet.response(0, 1);
        p.name("h", "local").u16(16).u16(1).u32(1).data(5, 'a', 'b');
        assertMalformed(p.bytes(), "runs past its record");
        Packet empty = Packet.response(0, 1);
        empty.name("h", "local").u16(16).u16(1).u32(1).data();
        assertMalformed(empty.bytes(), "at least one string");
    }

    @Test
    void refusesRecordDataLongerThanTheMessage() {
        Packet p = Packet.response(0, 1);
        p.name("h", "local").u16(16).u16(1).u32(1).u16(400).raw(1, 'x');
        assertMalformed(p.bytes(), "record data needs 400 bytes");
    }

    @Test
    void refusesCountsThatCannotFit() {
        Packet p = Packet.response(0, 0xFFFF);
        p.raw(0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0);
        assertMalformed(p.bytes(), "cannot fit");
    }

    @Test
    void refusesTrailingBytesAndShortHeaders() {
        byte[] query = JsPackets.query();
        byte[] longer = Arrays.copyOf(query, query.length + 1);
        assertMalformed(longer, "1 bytes follow the last record");
        assertMalformed(Arrays.copyOf(query, 11), "12-byte header");
        assertMalformed(Arrays.copyOf(query, query.length - 1), "type and class");
    }

    @Test
    void refusesMessagesOverTheMdnsLimit() {
        assertMalformed(new byte[DnsCodec.MAX_MESSAGE_LENGTH + 1], "exceeds the mDNS limit of 9000");
    }

    @Test
    void encodingRefusesMessagesOverTheLimit() {
        List<DnsRecord> txts = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            txts.add(new DnsRecord.Txt(SERVICE, 1, false, List.of("x".repeat(255))));
        }
        DnsMessage huge = DnsMessage.response(0, List.of(), txts, List.of());
        assertThatThrownBy(() -> DnsCodec.encode(huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("9000");
    }

    @Test
    void valuesAreCheckedWhenBuilt() {
        assertThatThrownBy(() -> DnsName.parse("a..b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsName.parse("x".repeat(64))).hasMessageContaining("1 to 63 bytes");
        assertThatThrownBy(() -> new DnsRecord.Txt(SERVICE, 1, false, List.of("x".repeat(256))))
                .hasMessageContaining("at most 255");
        assertThatThrownBy(() -> new DnsRecord.Ptr(SERVICE, -1, false, SERVICE)).hasMessageContaining("TTL");
        assertThat(DnsName.parse("_p2p._udp.local.")).isEqualTo(SERVICE);
        assertThat(SERVICE.wireLength()).isEqualTo(17);
    }

    static void assertMalformed(byte[] packet, String why) {
        assertThatThrownBy(() -> DnsCodec.decode(packet))
                .isInstanceOf(DnsFormatException.class)
                .hasMessageContaining(why);
    }

    /** Builds raw DNS bytes, including malformed ones. */
    static final class Packet {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        static Packet query(int questions) {
            Packet p = new Packet();
            p.u16(0).u16(0).u16(questions).u16(0).u16(0).u16(0);
            return p;
        }

        static Packet response(int id, int answers) {
            Packet p = new Packet();
            p.u16(id).u16(0x8400).u16(0).u16(answers).u16(0).u16(0);
            return p;
        }

        int position() {
            return out.size();
        }

        Packet u16(int v) {
            out.write(v >> 8);
            out.write(v);
            return this;
        }

        Packet u32(long v) {
            return u16((int) (v >>> 16)).u16((int) v & 0xFFFF);
        }

        Packet raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Packet label(String label) {
            byte[] b = label.getBytes(StandardCharsets.UTF_8);
            out.write(b.length);
            out.writeBytes(b);
            return this;
        }

        Packet end() {
            out.write(0);
            return this;
        }

        Packet name(String... labels) {
            for (String l : labels) {
                label(l);
            }
            return end();
        }

        Packet pointer(int offset) {
            return u16(0xC000 | offset);
        }

        /** A data length and the data. */
        Packet data(int... bytes) {
            u16(bytes.length);
            return raw(bytes);
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return HexFormat.of().formatHex(bytes());
        }
    }
}
