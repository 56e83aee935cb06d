package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * decode(encode(x)) = x for every format, over random values. jqwik reports the seed of any
 * failure; rerun with {@code @Property(seed = "...")}. JUnit's {@code @Timeout} does not apply
 * to jqwik properties; each is bounded by its tries instead (the class runs in about ten seconds).
 */
class RoundTripTest {
    @Property(tries = 2000)
    void varint(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long value) throws IOException {
        byte[] encoded = Varint.encode(value);

        assertThat(encoded).hasSize(Varint.encodedLength(value)).hasSizeLessThanOrEqualTo(Varint.MAX_BYTES);
        assertThat(Varint.decode(encoded, 0)).isEqualTo(new Varint.Decoded(value, encoded.length));
        assertThat(Varint.read(new ByteArrayInputStream(encoded))).isEqualTo(value);
    }

    @Property(tries = 500)
    void lengthPrefixed(@ForAll @Size(max = 300) byte[] message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LengthPrefixed.write(out, message);
        LengthPrefixed.write(out, message);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

        assertThat(LengthPrefixed.readRequired(in, 300)).isEqualTo(message);
        assertThat(LengthPrefixed.read(in, 300))
                .hasValueSatisfying(m -> assertThat(m).isEqualTo(message));
        assertThat(LengthPrefixed.read(in, 300)).isEmpty();
    }

    @Property(tries = 1000)
    void multihash(
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int code, @ForAll @Size(max = 64) byte[] digest) {
        byte[] d = code == Multihash.SHA1 || code == Multihash.SHA2_256
                ? Arrays.copyOf(digest, Math.min(digest.length, 20))
                : digest;
        Multihash mh = Multihash.of(code, d);

        assertThat(Multihash.decode(mh.bytes())).isEqualTo(mh);
        assertThat(Multihash.decode(mh.bytes()).digest()).isEqualTo(d);
    }

    @Property(tries = 3000)
    void multibase(@ForAll Multibase base, @ForAll("withLeadingZeros") byte[] data) {
        String encoded = base.encode(data);

        assertThat(encoded.charAt(0)).isEqualTo(base.prefix());
        assertThat(Multibase.decode(encoded)).isEqualTo(data);
        String flipped = encoded.charAt(0) + swapCase(encoded.substring(1));
        if (base.specName().matches("base(16|32|36).*")) {
            assertThat(Multibase.decode(flipped)).isEqualTo(data); // case-insensitive bases
        }
    }

    @Provide
    Arbitrary<byte[]> withLeadingZeros() {
        return Arbitraries.integers().between(0, 3).flatMap(zeros -> Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(200)
                .map(rest -> {
                    byte[] out = new byte[zeros + rest.length];
                    System.arraycopy(rest, 0, out, zeros, rest.length);
                    return out;
                }));
    }

    @Property(tries = 1000)
    void base58(@ForAll("withLeadingZeros") byte[] data) {
        assertThat(Base58.decode(Base58.encode(data))).isEqualTo(data);
    }

    @Property(tries = 1000)
    void cidV1(
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long codec,
            @ForAll @Size(32) byte[] digest,
            @ForAll Multibase base) {
        Cid cid = Cid.v1(codec, Multihash.of(Multihash.SHA2_256, digest));

        assertThat(Cid.fromBytes(cid.bytes())).isEqualTo(cid);
        assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
        assertThat(Cid.parse(cid.toString(base))).isEqualTo(cid);
        assertThat(cid.toString()).startsWith("b");
    }

    @Property(tries = 500)
    void cidV0(@ForAll @Size(32) byte[] digest) {
        Cid cid = Cid.v0(Multihash.of(Multihash.SHA2_256, digest));

        assertThat(cid.toString()).startsWith("Qm").hasSize(46);
        assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
        assertThat(Cid.fromBytes(cid.bytes())).isEqualTo(cid);
        assertThat(Cid.parse(cid.toV1().toString())).isEqualTo(cid.toV1());
    }

    @Property(tries = 300)
    void ed25519KeysAndPeerIds(@ForAll("seeds") byte[] seed, @ForAll @Size(max = 100) byte[] message) {
        Ed25519PrivateKey key = Ed25519PrivateKey.fromSeed(seed);
        PublicKey pub = key.publicKey();
        PeerId id = pub.peerId();

        assertThat(PublicKey.unmarshal(pub.marshal())).isEqualTo(pub);
        assertThat(Ed25519PublicKey.fromRaw(pub.raw())).isEqualTo(pub);
        assertThat(PrivateKey.unmarshal(key.marshal()).publicKey()).isEqualTo(pub);
        assertThat(pub.verify(message, key.sign(message))).isTrue();
        assertThat(PeerId.parse(id.toString())).isEqualTo(id);
        assertThat(PeerId.parse(id.toCid().toString())).isEqualTo(id);
        assertThat(PeerId.parse(id.toCid().toString(Multibase.BASE36))).isEqualTo(id);
        assertThat(PeerId.fromBytes(id.bytes())).isEqualTo(id);
        assertThat(id.publicKey()).contains(pub);
    }

    @Provide
    Arbitrary<byte[]> seeds() {
        return Samples.seeds();
    }

    @Property(tries = 3000)
    void multiaddr(@ForAll("multiaddrs") Multiaddr ma) {
        String text = ma.toString();

        assertThat(Multiaddr.fromBytes(ma.bytes())).isEqualTo(ma);
        assertThat(Multiaddr.parse(text)).isEqualTo(ma);
        assertThat(Multiaddr.parse(text).toString()).isEqualTo(text);
        assertThat(text.length()).isLessThanOrEqualTo(Multiaddr.MAX_TEXT_LENGTH);
        assertThat(Multiaddr.of(ma.components())).isEqualTo(ma);
    }

    @Provide
    Arbitrary<Multiaddr> multiaddrs() {
        return Samples.multiaddrs();
    }

    private static String swapCase(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return sb.toString();
    }
}
