package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multihash;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnixFsRoundTripTest {

    /** Test data the reference script also makes: byte i is (31 i + 7) mod 251. */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ((i * 31L + 7) % 251);
        }
        return b;
    }

    /** CIDs from js-ipfs-unixfs's importer (src/test/js/unixfs-reference.mjs), incl. 3- and 5-level trees. */
    @ParameterizedTest
    @CsvSource({
        "0, 16, 174, bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        "1, 1, 174, bafkreigkgwdvr5wspzwpiutssn4xpj2i7wedshnwphhnu7ohx4pqaxxipe",
        "174, 1, 174, bafybeihewrqbiyv4umku4k3sevfr6juyxpvdugahbbkomzzo6sw2tfdecm",
        "175, 1, 174, bafybeibjp7dk6exdl4nlze5kvwkxhqpasftlhqbeug5mru7jnhnspuk5xq",
        "30276, 1, 174, bafybeidibfybasffvhgdo4uolvb4bctiatqymx3erxsp7aifnsjjlq6ua4",
        "30277, 1, 174, bafybeiaxh522xnfb2q4e3n4gcobppme3bst7h32naejrtisfbpxhhcbp4i",
        "1000, 7, 4, bafybeibh74rgbielrpi7gtbdycihulpzianxsxqqgi2zsw6pwv6ng7h6ga",
        "5242883, 1048576, 174, bafybeibviwt2f3nihay7coz4kjxjwck22kt4br4pkpu4oxocb56xegpzma",
        "1048576, 1048576, 174, bafkreia4lg4goabhhbaug6a2rkf76lz3is6yqggq6u5rhmdeyi3vugx6ha",
        "100, 10, 3, bafybeien6n27caln3uqw53g47nyf4kqoy6qhqjzdxzufsrvmsgs6sk3iyi",
    })
    void matchesTheJsImporter(int size, int chunk, int links, String expected) throws IOException {
        Store store = new Store();
        UnixFsFile file = UnixFsBuilder.build(pattern(size), new UnixFsLayout(chunk, links), store);
        assertThat(file.root()).hasToString(expected);
        assertThat(reassemble(file.root(), store)).isEqualTo(pattern(size));
    }

    @Test
    void multiLevelTreeRoundTripsThroughTheParser() throws IOException {
        // 174 * 174 + 1 one-byte leaves: three levels, the last leaf under a chain of one-child nodes.
        UnixFsLayout layout = new UnixFsLayout(1, 174);
        byte[] data = pattern(174 * 174 + 1);
        Store store = new Store();
        UnixFsFile file = UnixFsBuilder.build(data, layout, store);
        assertThat(file.nodes()).isEqualTo(174 + 1 + 1 + 1 + 1);
        List<UnixFsLeaf> walked = UnixFsDag.leaves(file.root(), store, 1_000_000);
        assertThat(walked).isEqualTo(file.leaves());
        UnixFsNode root = UnixFsNode.parse(store.get(file.root()));
        assertThat(root.fileSize()).isEqualTo(data.length);
        assertThat(root.children()).hasSize(2);
        assertThat(root.children().get(1).offset()).isEqualTo(174 * 174);
        long nodeBytes = store.blocks.values().stream()
                .filter(b -> b.cid().codec() == Cid.DAG_PB)
                .mapToLong(Block::size)
                .sum();
        assertThat(file.dagSize()).isEqualTo(nodeBytes + data.length);
    }

    @Property(tries = 60)
    void anyDataAnyLayoutRoundTrips(
            @ForAll @IntRange(max = 5000) int size,
            @ForAll @IntRange(min = 1, max = 64) int chunk,
            @ForAll @IntRange(min = 2, max = 9) int links)
            throws IOException {
        byte[] data = pattern(size);
        Store store = new Store();
        UnixFsFile file = UnixFsBuilder.build(data, new UnixFsLayout(chunk, links), store);
        assertThat(file.size()).isEqualTo(size);
        assertThat(UnixFsDag.leaves(file.root(), store, 1_000_000)).isEqualTo(file.leaves());
        assertThat(reassemble(file.root(), store)).isEqualTo(data);
        // Writing in odd pieces gives the same DAG as one write.
        UnixFsBuilder pieces = new UnixFsBuilder(new UnixFsLayout(chunk, links), UnixFsBuilder.DISCARD);
        for (int i = 0; i < size; i += 13) {
            pieces.write(data, i, Math.min(13, size - i));
        }
        assertThat(pieces.finish().root()).isEqualTo(file.root());
    }

    @Test
    void corruptBlockIsRejected() throws IOException {
        Block leaf = UnixFs.rawLeaf(pattern(100));
        byte[] bad = leaf.data().clone();
        bad[50] ^= 1;
        assertThatThrownBy(() -> Block.verify(leaf.cid(), bad))
                .isInstanceOf(BlockVerificationException.class)
                .hasMessageContaining("do not hash");
        assertThat(Block.verify(leaf.cid(), leaf.data().clone()).cid()).isEqualTo(leaf.cid());
        Cid sha512 = Cid.v1(Cid.RAW, Multihash.of(Multihash.SHA2_512, new byte[64]));
        assertThatThrownBy(() -> Block.verify(sha512, new byte[1]))
                .isInstanceOf(BlockVerificationException.class)
                .hasMessageContaining("unsupported hash");
        assertThatThrownBy(() -> Block.verify(leaf.cid(), new byte[UnixFs.MAX_BLOCK_SIZE + 1]))
                .isInstanceOf(BlockVerificationException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void nodeLyingAboutAChildSizeIsRejectedByTheWalker() throws IOException {
        Block a = UnixFs.rawLeaf(pattern(10));
        Block b = UnixFs.rawLeaf(pattern(20));
        Block inner = node(List.of(a, b), List.of(10L, 20L));
        // The outer node claims its child holds 31 bytes; the child (verified) says 30.
        Block outer = Block.of(
                Cid.DAG_PB,
                DagPb.encode(new DagPbNode(
                        List.of(new DagPbLink(inner.cid(), "", 100)),
                        UnixFsData.fileNode(List.of(31L)).encode())));
        Store store = new Store(a, b, inner, outer);
        assertThat(UnixFsDag.leaves(inner.cid(), store, 10)).hasSize(2);
        assertThatThrownBy(() -> UnixFsDag.leaves(outer.cid(), store, 10))
                .isInstanceOf(UnixFsFormatException.class)
                .hasMessageContaining("parent says 31");
        assertThatThrownBy(() -> UnixFsDag.leaves(inner.cid(), store, 1))
                .isInstanceOf(UnixFsFormatException.class)
                .hasMessageContaining("more than 1 leaves");
    }

    @Test
    void malformedNodesAreRejected() {
        Block leaf = UnixFs.rawLeaf(pattern(3));
        byte[] good = DagPb.encode(new DagPbNode(
                List.of(new DagPbLink(leaf.cid(), "", 3)),
                UnixFsData.fileNode(List.of(3L)).encode()));
        // Data (field 1) before Links (field 2): what protobuf-java would write; not canonical dag-pb.
        int linkLength = good.length - (2 + UnixFsData.fileNode(List.of(3L)).encode().length);
        byte[] swapped = new byte[good.length];
        System.arraycopy(good, linkLength, swapped, 0, good.length - linkLength);
        System.arraycopy(good, 0, swapped, good.length - linkLength, linkLength);
        assertThatThrownBy(() -> DagPb.decode(swapped)).hasMessageContaining("Link after its Data");
        assertThatThrownBy(() -> DagPb.decode(new byte[] {0x1a, 0})).hasMessageContaining("unknown field");
        assertThatThrownBy(() -> DagPb.decode(new byte[] {0x12, 0x7f, 0})).hasMessageContaining("only 1 remain");
        assertThatThrownBy(() -> DagPb.decode(new byte[] {0x12, 0})).hasMessageContaining("no Hash");
        byte[] twoSizes = DagPb.encode(new DagPbNode(
                List.of(new DagPbLink(leaf.cid(), "", 3)),
                UnixFsData.fileNode(List.of(3L, 4L)).encode()));
        assertThatThrownBy(() -> UnixFsNode.parse(Block.of(Cid.DAG_PB, twoSizes)))
                .isInstanceOf(UnixFsFormatException.class)
                .hasMessageContaining("1 links but 2 blocksizes");
        byte[] directory = DagPb.encode(
                new DagPbNode(List.of(), new UnixFsData(UnixFsData.TYPE_DIRECTORY, null, null, List.of()).encode()));
        assertThatThrownBy(() -> UnixFsNode.parse(Block.of(Cid.DAG_PB, directory)))
                .hasMessageContaining("not a file");
        byte[] lyingFilesize = DagPb.encode(new DagPbNode(
                List.of(new DagPbLink(leaf.cid(), "", 3)),
                new UnixFsData(UnixFsData.TYPE_FILE, null, 9L, List.of(3L)).encode()));
        assertThatThrownBy(() -> UnixFsNode.parse(Block.of(Cid.DAG_PB, lyingFilesize)))
                .hasMessageContaining("filesize 9");
        assertThatThrownBy(() -> UnixFsNode.parse(Block.of(Cid.DAG_PB, new byte[] {0x0a, 1, (byte) 0xff})))
                .isInstanceOf(UnixFsFormatException.class);
    }

    @Test
    void dagPbLeavesWithInlineDataAreRead() throws IOException {
        // kubo's CIDv0 layout: dag-pb leaves of type File carrying their bytes inline.
        Block leaf = Block.of(
                Cid.DAG_PB,
                DagPb.encode(new DagPbNode(
                        List.of(), new UnixFsData(UnixFsData.TYPE_FILE, pattern(5), 5L, List.of()).encode())));
        Block root = node(List.of(leaf, UnixFs.rawLeaf(pattern(4))), List.of(5L, 4L));
        Store store = new Store(leaf, root, UnixFs.rawLeaf(pattern(4)));
        assertThat(UnixFs.leafData(leaf)).isEqualTo(pattern(5));
        List<UnixFsLeaf> leaves = UnixFsDag.leaves(root.cid(), store, 10);
        assertThat(leaves).extracting(UnixFsLeaf::offset).containsExactly(0L, 5L);
        assertThat(leaves).extracting(UnixFsLeaf::length).containsExactly(5, 4);
    }

    private static Block node(List<Block> children, List<Long> sizes) {
        List<DagPbLink> links = new ArrayList<>();
        for (Block child : children) {
            links.add(new DagPbLink(child.cid(), "", child.size()));
        }
        return Block.of(
                Cid.DAG_PB,
                DagPb.encode(new DagPbNode(links, UnixFsData.fileNode(sizes).encode())));
    }

    /** Reads a file back the way a downloader would: leaf list from verified nodes, then leaf bytes. */
    private static byte[] reassemble(Cid root, Store store) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (UnixFsLeaf leaf : UnixFsDag.leaves(root, store, 10_000_000)) {
            byte[] data = UnixFs.leafData(store.get(leaf.cid()));
            assertThat(data).hasSize(leaf.length());
            assertThat((long) out.size()).isEqualTo(leaf.offset());
            out.writeBytes(data);
        }
        return out.toByteArray();
    }

    /** Keeps every block the builder makes, leaves copied out of its reused buffer. */
    static final class Store implements UnixFsBuilder.Sink, BlockSource {
        final Map<Cid, Block> blocks = new HashMap<>();

        Store(Block... initial) {
            for (Block b : initial) {
                blocks.put(b.cid(), b);
            }
        }

        @Override
        public void leaf(UnixFsLeaf leaf, byte[] buffer, int length) throws IOException {
            blocks.put(leaf.cid(), Block.verify(leaf.cid(), java.util.Arrays.copyOf(buffer, length)));
        }

        @Override
        public void node(Block node) {
            blocks.put(node.cid(), node);
        }

        @Override
        public Block get(Cid cid) throws IOException {
            Block b = blocks.get(cid);
            if (b == null) {
                throw new FileNotFoundException(cid.toString());
            }
            return Block.verify(cid, b.data());
        }
    }
}
