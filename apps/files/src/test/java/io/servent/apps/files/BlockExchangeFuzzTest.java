package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile block-exchange messages: the decoders either return a message within every bound or throw
 * their one specific exception (a Jazzer-style byte fuzzer built on jqwik, like {@link DagPbFuzzTest}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BlockExchangeFuzzTest {
    static final Cid LEAF = UnixFs.rawLeaf(new byte[] {1, 2, 3}).cid();

    @Property(tries = 3000)
    void requestsDecodeWithinBoundsOrAreRejected(@ForAll("requestLike") byte[] bytes) {
        try {
            BlockExchangeCodec.Request r = BlockExchangeCodec.decodeRequest(bytes);
            assertThat(r.wantBlock().size()).isLessThanOrEqualTo(BlockExchangeCodec.MAX_CIDS);
            assertThat(r.wantHave().size()).isLessThanOrEqualTo(BlockExchangeCodec.MAX_CIDS);
            assertThat(r.cancel().size()).isLessThanOrEqualTo(BlockExchangeCodec.MAX_CIDS);
        } catch (ProtocolViolationException expected) {
            // the only acceptable failure
        }
    }

    @Property(tries = 3000)
    void responsesDecodeWithinBoundsOrAreRejected(@ForAll("responseLike") byte[] bytes) {
        try {
            BlockExchangeCodec.Response r = BlockExchangeCodec.decodeResponse(bytes);
            r.block().ifPresent(b -> assertThat(b.data().length).isLessThanOrEqualTo(UnixFs.MAX_BLOCK_SIZE));
            r.bitfield().ifPresent(b -> {
                assertThat(b.leaves()).isBetween(0, BlockExchangeCodec.MAX_LEAVES);
                assertThat(b.bits().length()).isLessThanOrEqualTo(b.leaves());
            });
            r.haveLeaves().ifPresent(h -> assertThat(h.indexes())
                    .allSatisfy(i -> assertThat(i).isBetween(0, BlockExchangeCodec.MAX_LEAVES - 1)));
            r.peers().ifPresent(p -> assertThat(p.peers()).hasSizeLessThanOrEqualTo(BlockExchangeCodec.MAX_PEX_PEERS));
        } catch (ProtocolViolationException expected) {
            // the only acceptable failure
        }
    }

    @Property(tries = 200)
    void validMessagesRoundTrip(@ForAll("leafCount") int leaves) throws ProtocolViolationException {
        BitSet bits = new BitSet();
        for (int i = 0; i < leaves; i += 3) {
            bits.set(i);
        }
        BlockExchangeCodec.Response r = BlockExchangeCodec.decodeResponse(
                BlockExchangeCodec.encode(new BlockExchangeCodec.Bitfield(LEAF, false, leaves, bits)));
        assertThat(r.bitfield()).hasValueSatisfying(b -> {
            assertThat(b.leaves()).isEqualTo(leaves);
            assertThat(b.bits()).isEqualTo(bits);
        });
    }

    @Provide
    Arbitrary<Integer> leafCount() {
        return Arbitraries.integers().between(0, 5000);
    }

    @Provide
    Arbitrary<byte[]> requestLike() {
        byte[] valid = BlockExchangeCodec.encode(new BlockExchangeCodec.Request(
                List.of(LEAF, LEAF),
                List.of(LEAF),
                List.of(LEAF),
                java.util.Optional.of(LEAF),
                java.util.Optional.of(LEAF)));
        return mutations(valid);
    }

    @Provide
    Arbitrary<byte[]> responseLike() {
        BitSet bits = new BitSet();
        bits.set(1);
        bits.set(9);
        byte[] bitfield = BlockExchangeCodec.encode(new BlockExchangeCodec.Bitfield(LEAF, false, 12, bits));
        byte[] block = BlockExchangeCodec.encodeBlock(UnixFs.rawLeaf(new byte[] {1, 2, 3}));
        byte[] have = BlockExchangeCodec.encode(new BlockExchangeCodec.HaveLeaves(LEAF, List.of(0, 5, 7)));
        byte[] peers = BlockExchangeCodec.encode(new BlockExchangeCodec.Peers(
                LEAF,
                List.of(new BlockExchangeCodec.PeerInfo(
                        PeerId.random(), List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"))))));
        return Arbitraries.oneOf(mutations(bitfield), mutations(block), mutations(have), mutations(peers));
    }

    /** Random bytes, and a valid message with random bytes overwritten or cut short. */
    private static Arbitrary<byte[]> mutations(byte[] valid) {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> corrupted = Arbitraries.integers()
                .between(0, valid.length - 1)
                .list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .flatMap(positions -> Arbitraries.bytes()
                        .list()
                        .ofSize(positions.size())
                        .map(values -> {
                            byte[] copy = valid.clone();
                            for (int i = 0; i < positions.size(); i++) {
                                copy[positions.get(i)] = values.get(i);
                            }
                            return copy;
                        }));
        Arbitrary<byte[]> truncated =
                Arbitraries.integers().between(0, valid.length).map(n -> Arrays.copyOf(valid, n));
        return Arbitraries.oneOf(random, corrupted, truncated);
    }
}
