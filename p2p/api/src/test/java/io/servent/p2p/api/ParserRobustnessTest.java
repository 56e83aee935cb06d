package io.servent.p2p.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Every parser, fed random or mutated input, either succeeds or throws {@link
 * MultiformatException} with a message: never an index, number-format, negative-size or protobuf
 * exception. Whatever succeeds is canonical: it encodes back to exactly the input. Each parse is
 * also held to an allocation budget, so no declared length makes a parser allocate before it
 * checks. jqwik reports the seed of any failure; rerun with {@code @Property(seed = "...")}.
 * JUnit's {@code @Timeout} does not apply to jqwik properties; each is bounded by its tries
 * instead (the class runs in about ten seconds).
 */
class ParserRobustnessTest {
    /** Generous next to the inputs (at most a few KiB); catches allocating a declared length. */
    private static final long ALLOCATION_BUDGET = 4L << 20;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Provide
    Arbitrary<byte[]> multiaddrBytes() {
        return Arbitraries.oneOf(Samples.randomBytes(64), Samples.mutatedBytes(Samples.multiaddrBytes()));
    }

    @Provide
    Arbitrary<String> multiaddrTexts() {
        return Arbitraries.oneOf(Samples.randomText(64), Samples.mutatedText(Samples.MULTIADDRS));
    }

    @Provide
    Arbitrary<byte[]> cidBytes() {
        return Arbitraries.oneOf(Samples.randomBytes(64), Samples.mutatedBytes(Samples.cidBytes()));
    }

    @Provide
    Arbitrary<String> cidTexts() {
        return Arbitraries.oneOf(Samples.randomText(64), Samples.mutatedText(Samples.cidTexts()));
    }

    @Provide
    Arbitrary<byte[]> peerIdBytes() {
        return Arbitraries.oneOf(Samples.randomBytes(64), Samples.mutatedBytes(Samples.peerIdBytes()));
    }

    @Provide
    Arbitrary<String> peerIdTexts() {
        return Arbitraries.oneOf(Samples.randomText(64), Samples.mutatedText(Samples.PEER_IDS));
    }

    @Provide
    Arbitrary<byte[]> keyBytes() {
        return Arbitraries.oneOf(Samples.randomBytes(128), Samples.mutatedBytes(Samples.keyBytes()));
    }

    @Provide
    Arbitrary<String> multibaseTexts() {
        return Arbitraries.oneOf(Samples.randomText(64), Samples.mutatedText(Samples.cidTexts()));
    }

    @Property(tries = 3000)
    void varintDecode(@ForAll("multiaddrBytes") byte[] bytes, @ForAll("offsets") int offset) {
        Varint.Decoded d = parses(() -> Varint.decode(bytes, offset));
        if (d != null) {
            byte[] consumed = java.util.Arrays.copyOfRange(bytes, offset, offset + d.length());
            assertThat(Varint.encode(d.value())).isEqualTo(consumed);
        }
    }

    @Provide
    Arbitrary<Integer> offsets() {
        return Arbitraries.integers().between(-2, 70);
    }

    @Property(tries = 2000)
    void varintAndLengthPrefixedReadsFailOnlyWithIoExceptions(@ForAll("multiaddrBytes") byte[] bytes)
            throws IOException {
        try {
            LengthPrefixed.read(new ByteArrayInputStream(bytes), 32);
            Varint.read(new ByteArrayInputStream(bytes));
        } catch (ProtocolViolationException | EOFException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 3000)
    void multihashDecode(@ForAll("cidBytes") byte[] bytes) {
        Multihash mh = parses(() -> Multihash.decode(bytes));
        if (mh != null) {
            assertThat(mh.bytes()).isEqualTo(bytes);
        }
    }

    @Property(tries = 3000)
    void multibaseDecode(@ForAll("multibaseTexts") String text) {
        byte[] decoded = parses(() -> Multibase.decode(text));
        if (decoded != null) {
            Multibase base = Multibase.baseOf(text);
            String again = base.encode(decoded);
            boolean caseInsensitive = base.specName().startsWith("base16")
                    || base.specName().startsWith("base32")
                    || base.specName().startsWith("base36");
            if (caseInsensitive) {
                assertThat(again.toLowerCase(Locale.ROOT)).isEqualTo(text.toLowerCase(Locale.ROOT));
            } else {
                assertThat(again).isEqualTo(text);
            }
        }
    }

    @Property(tries = 3000)
    void cidFromBytes(@ForAll("cidBytes") byte[] bytes) {
        Cid cid = parses(() -> Cid.fromBytes(bytes));
        if (cid != null) {
            assertThat(cid.bytes()).isEqualTo(bytes);
        }
    }

    @Property(tries = 3000)
    void cidParse(@ForAll("cidTexts") String text) {
        Cid cid = parses(() -> Cid.parse(text));
        if (cid != null) {
            assertThat(Cid.parse(cid.toString())).isEqualTo(cid);
        }
    }

    @Property(tries = 2000)
    void peerIdFromBytes(@ForAll("peerIdBytes") byte[] bytes) {
        PeerId id = parses(() -> PeerId.fromBytes(bytes));
        if (id != null) {
            assertThat(id.bytes()).isEqualTo(bytes);
            assertThat(PeerId.parse(id.toString())).isEqualTo(id);
            parses(id::publicKey);
        }
    }

    @Property(tries = 2000)
    void peerIdParse(@ForAll("peerIdTexts") String text) {
        PeerId id = parses(() -> PeerId.parse(text));
        if (id != null) {
            assertThat(PeerId.parse(id.toCid().toString())).isEqualTo(id);
        }
    }

    @Property(tries = 2000)
    void keyUnmarshal(@ForAll("keyBytes") byte[] bytes) {
        PublicKey pub = parses(() -> PublicKey.unmarshal(bytes));
        if (pub != null) {
            assertThat(pub.marshal()).isEqualTo(bytes);
        }
        PrivateKey priv = parses(() -> PrivateKey.unmarshal(bytes));
        if (priv != null) {
            assertThat(PrivateKey.unmarshal(priv.marshal()).publicKey()).isEqualTo(priv.publicKey());
        }
        parses(() -> Ed25519PublicKey.fromRaw(bytes));
        parses(() -> Ed25519PrivateKey.fromRaw(bytes));
    }

    @Property(tries = 5000)
    void multiaddrFromBytes(@ForAll("multiaddrBytes") byte[] bytes) {
        Multiaddr ma = parses(() -> Multiaddr.fromBytes(bytes));
        if (ma != null) {
            assertThat(ma.bytes()).isEqualTo(bytes);
            assertThat(Multiaddr.parse(ma.toString())).isEqualTo(ma);
            parses(ma::peerId);
            parses(ma::toTcpSocketAddress);
        }
    }

    @Property(tries = 5000)
    void multiaddrParse(@ForAll("multiaddrTexts") String text) {
        Multiaddr ma = parses(() -> Multiaddr.parse(text));
        if (ma != null) {
            Multiaddr again = Multiaddr.parse(ma.toString());
            assertThat(again).isEqualTo(ma);
            assertThat(again.toString()).isEqualTo(ma.toString());
            assertThat(Multiaddr.fromBytes(ma.bytes())).isEqualTo(ma);
        }
    }

    /**
     * Runs a parser: its result, or null if it threw a {@link MultiformatException} with a
     * message. Any other exception fails the property; so does allocating over the budget.
     */
    private static <T> @org.jspecify.annotations.Nullable T parses(Supplier<T> parser) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            T result = parser.get();
            Statistics.collect("parsed");
            return result;
        } catch (MultiformatException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            Statistics.collect("rejected");
            return null;
        } finally {
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated by one parse").isLessThan(ALLOCATION_BUDGET);
        }
    }
}
