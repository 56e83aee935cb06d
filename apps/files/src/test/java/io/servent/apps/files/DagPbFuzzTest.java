package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Cid;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Timeout;

/** Hostile node bytes: the parsers either answer or throw their one specific exception. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DagPbFuzzTest {

    @Property(tries = 2000)
    void randomBytesNeverBreakTheParsers(@ForAll("nodeLike") byte[] bytes) {
        try {
            UnixFsNode node = UnixFsNode.parse(Block.of(Cid.DAG_PB, bytes));
            assertThat(node.fileSize()).isGreaterThanOrEqualTo(0);
            long end = node.inlineData().length;
            for (UnixFsNode.Child child : node.children()) {
                assertThat(child.offset()).isEqualTo(end);
                end += child.size();
            }
            assertThat(end).isEqualTo(node.fileSize());
        } catch (UnixFsFormatException expected) {
            // the only acceptable failure
        }
    }

    /** Random bytes, and valid nodes with random corruption (so the parser gets past the first field). */
    @Provide
    Arbitrary<byte[]> nodeLike() {
        Block leaf = UnixFs.rawLeaf(new byte[] {1, 2, 3});
        byte[] valid = DagPb.encode(new DagPbNode(
                List.of(new DagPbLink(leaf.cid(), "", 3), new DagPbLink(leaf.cid(), "x", 3)),
                UnixFsData.fileNode(List.of(3L, 3L)).encode()));
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
                Arbitraries.integers().between(0, valid.length).map(n -> java.util.Arrays.copyOf(valid, n));
        return Arbitraries.oneOf(random, corrupted, truncated);
    }
}
