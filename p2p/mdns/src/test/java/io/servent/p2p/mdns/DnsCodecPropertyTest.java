package io.servent.p2p.mdns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated datagrams either decode or fail with {@link DnsFormatException}, never with
 * anything else; and every message the encoder can write decodes to itself.
 */
@Timeout(120)
class DnsCodecPropertyTest {
    private static final List<byte[]> SEEDS =
            List.of(JsPackets.query(), JsPackets.responseOne(), JsPackets.responseTwo(), ownResponse());

    @Property(tries = 3000)
    void randomBytesNeverThrowAnythingButDnsFormatException(@ForAll @Size(max = 600) byte[] packet) {
        decodeOrFormatError(packet);
    }

    @Property(tries = 3000)
    void randomBodiesBehindAPlausibleHeaderNeverThrowAnythingElse(
            @ForAll @IntRange(max = 8) int questions,
            @ForAll @IntRange(max = 8) int answers,
            @ForAll @IntRange(max = 8) int additionals,
            @ForAll @Size(max = 400) byte[] body) {
        byte[] packet = new byte[12 + body.length];
        packet[2] = 0;
        packet[5] = (byte) questions;
        packet[7] = (byte) answers;
        packet[11] = (byte) additionals;
        System.arraycopy(body, 0, packet, 12, body.length);
        decodeOrFormatError(packet);
    }

    @Property(tries = 5000)
    void mutatedRealPacketsNeverThrowAnythingElse(
            @ForAll @IntRange(max = 3) int seed,
            @ForAll @IntRange(min = 1, max = 8) int mutations,
            @ForAll long random) {
        Random rnd = new Random(random);
        byte[] packet = SEEDS.get(seed).clone();
        for (int i = 0; i < mutations; i++) {
            packet = mutate(packet, rnd);
        }
        decodeOrFormatError(packet);
    }

    @Property(tries = 500)
    void everyTruncationOfARealPacketFailsCleanly(
            @ForAll @IntRange(max = 3) int seed, @ForAll @IntRange(max = 1000) int cut) {
        byte[] full = SEEDS.get(seed);
        byte[] packet = Arrays.copyOf(full, Math.min(cut, full.length - 1));
        decodeOrFormatError(packet);
    }

    @Property(tries = 1000)
    void encodedMessagesDecodeToThemselves(@ForAll("messages") DnsMessage message) throws Exception {
        byte[] wire = DnsCodec.encode(message);
        assertThat(DnsCodec.decode(wire)).isEqualTo(message);
    }

    private static void decodeOrFormatError(byte[] packet) {
        DnsMessage m;
        try {
            m = DnsCodec.decode(packet);
        } catch (DnsFormatException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return;
        }
        // Whatever decodes must also be usable by the discovery code, and encode to the same message.
        MdnsRecords.peers(m, "me");
        MdnsRecords.asksForPeers(m);
        byte[] again;
        try {
            again = DnsCodec.encode(m);
        } catch (IllegalArgumentException tooLong) {
            // Input can point into record data, which our encoder never does, so it may not fit again.
            assertThat(tooLong).hasMessageContaining("9000");
            return;
        }
        try {
            assertThat(DnsCodec.decode(again)).isEqualTo(m);
        } catch (DnsFormatException e) {
            throw new AssertionError("our own encoding of a decoded message does not decode", e);
        }
    }

    private static byte[] mutate(byte[] packet, Random rnd) {
        if (packet.length == 0) {
            return new byte[] {(byte) rnd.nextInt()};
        }
        int at = rnd.nextInt(packet.length);
        return switch (rnd.nextInt(6)) {
            case 0 -> { // flip a bit
                byte[] out = packet.clone();
                out[at] ^= (byte) (1 << rnd.nextInt(8));
                yield out;
            }
            case 1 -> { // set a byte to an interesting value
                byte[] out = packet.clone();
                int[] values = {0, 1, 0x3F, 0x40, 0x7F, 0x80, 0xC0, 0xC0 | rnd.nextInt(64), 0xFF};
                out[at] = (byte) values[rnd.nextInt(values.length)];
                yield out;
            }
            case 2 -> { // insert a byte
                byte[] out = new byte[packet.length + 1];
                System.arraycopy(packet, 0, out, 0, at);
                out[at] = (byte) rnd.nextInt();
                System.arraycopy(packet, at, out, at + 1, packet.length - at);
                yield out;
            }
            case 3 -> { // delete a byte
                byte[] out = new byte[packet.length - 1];
                System.arraycopy(packet, 0, out, 0, at);
                System.arraycopy(packet, at + 1, out, at, packet.length - at - 1);
                yield out;
            }
            case 4 -> { // a compression pointer to a random offset
                byte[] out = packet.clone();
                int target = rnd.nextInt(Math.max(1, packet.length));
                out[at] = (byte) (0xC0 | (target >> 8));
                if (at + 1 < out.length) {
                    out[at + 1] = (byte) target;
                }
                yield out;
            }
            default -> { // bump a 16-bit count or length field
                byte[] out = packet.clone();
                out[at] = (byte) (out[at] + (rnd.nextBoolean() ? 1 : -1));
                yield out;
            }
        };
    }

    private static byte[] ownResponse() {
        List<io.servent.p2p.api.Multiaddr> addresses = List.of(
                io.servent.p2p.api.Multiaddr.parse("/ip4/192.168.1.2/tcp/4001/p2p/" + JsPackets.RESPONSE_ONE_PEER),
                io.servent.p2p.api.Multiaddr.parse("/ip6/fd00::2/tcp/4001/p2p/" + JsPackets.RESPONSE_ONE_PEER));
        return DnsCodec.encode(
                MdnsRecords.responses("abcdefgh", addresses, 120, 0, List.of()).get(0));
    }

    // ---- generators ----

    @Provide
    Arbitrary<DnsMessage> messages() {
        Arbitrary<List<DnsQuestion>> questions = questions().list().ofMaxSize(3);
        Arbitrary<List<DnsRecord>> records = records().list().ofMaxSize(4);
        return Combinators.combine(
                        Arbitraries.integers().between(0, 0xFFFF),
                        Arbitraries.integers().between(0, 0xFFFF),
                        questions,
                        records,
                        records,
                        records)
                .as(DnsMessage::new);
    }

    private Arbitrary<DnsName> names() {
        Arbitrary<String> label = Arbitraries.oneOf(
                Arbitraries.of("_p2p", "_udp", "local", "LOCAL", "peer"),
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .numeric()
                        .withChars('-', '_')
                        .ofMinLength(1)
                        .ofMaxLength(63),
                Arbitraries.strings()
                        .withCharRange('\u00e0', '\u00ff')
                        .ofMinLength(1)
                        .ofMaxLength(20));
        return label.list()
                .ofMaxSize(4)
                .filter(l -> wireLength(l) <= DnsName.MAX_WIRE_LENGTH)
                .map(DnsName::new);
    }

    private static int wireLength(List<String> labels) {
        return 1
                + labels.stream()
                        .mapToInt(l -> 1 + l.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                        .sum();
    }

    private Arbitrary<DnsQuestion> questions() {
        return Combinators.combine(names(), Arbitraries.of(1, 12, 16, 28, 33, 255), Arbitraries.of(true, false))
                .as(DnsQuestion::new);
    }

    private Arbitrary<DnsRecord> records() {
        Arbitrary<Long> ttl = Arbitraries.longs().between(0, DnsRecord.MAX_TTL);
        Arbitrary<Boolean> flush = Arbitraries.of(true, false);
        // Printable ASCII and two-byte UTF-8 (no lone surrogates, which UTF-8 cannot carry).
        Arbitrary<String> text = Arbitraries.strings()
                .withCharRange(' ', '~')
                .withCharRange('\u00a0', '\u07ff')
                .ofMaxLength(40);
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xFFFF);
        return Arbitraries.oneOf(
                Combinators.combine(names(), ttl, flush, names()).as(DnsRecord.Ptr::new),
                Combinators.combine(
                                names(), ttl, flush, text.list().ofMinSize(1).ofMaxSize(3))
                        .as(DnsRecord.Txt::new),
                Combinators.combine(names(), ttl, flush, bytes(4))
                        .as((n, t, f, b) -> new DnsRecord.A(n, t, f, (Inet4Address) ip(b))),
                Combinators.combine(names(), ttl, flush, bytes(16))
                        .as((n, t, f, b) -> new DnsRecord.Aaaa(n, t, f, ip6(b))),
                Combinators.combine(names(), ttl, flush, u16, u16, u16, names()).as(DnsRecord.Srv::new));
    }

    private static Arbitrary<byte[]> bytes(int n) {
        return Arbitraries.bytes().array(byte[].class).ofSize(n);
    }

    private static InetAddress ip(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Inet6Address ip6(byte[] b) {
        try {
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
