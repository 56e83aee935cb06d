package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a file DAG from its root to learn the leaf list, fetching internal nodes (never leaves) from
 * a {@link BlockSource}. Since every fetched node is verified against the CID its parent named, the
 * root CID authenticates the whole list: each leaf's offset and size come from verified parents, and
 * each child's own size must match what its parent claimed. Stateless and thread-safe.
 */
public final class UnixFsDag {
    /** Deeper trees are refused: 174-way trees reach 2^63 bytes in 8 levels. */
    public static final int MAX_DEPTH = 16;

    private UnixFsDag() {}

    /**
     * The leaves of the file rooted at {@code root}, in order, with absolute offsets.
     *
     * @param maxLeaves refuse DAGs with more leaves (a bound on what a hostile root can make us hold)
     */
    public static List<UnixFsLeaf> leaves(Cid root, BlockSource source, int maxLeaves) throws IOException {
        List<UnixFsLeaf> out = new ArrayList<>();
        walk(root, -1, 0, 0, source, maxLeaves, out);
        return out;
    }

    private static void walk(
            Cid cid, long expectedSize, long offset, int depth, BlockSource source, int maxLeaves, List<UnixFsLeaf> out)
            throws IOException {
        if (depth > MAX_DEPTH) {
            throw new UnixFsFormatException("file DAG is deeper than " + MAX_DEPTH + " levels at " + cid);
        }
        if (cid.codec() == Cid.RAW) {
            if (expectedSize > UnixFs.MAX_BLOCK_SIZE) {
                throw new UnixFsFormatException("raw leaf " + cid + " is said to hold " + expectedSize
                        + " bytes, more than a block may (" + UnixFs.MAX_BLOCK_SIZE + ")");
            }
            if (expectedSize < 0) {
                // The root itself is a raw leaf: its size is only known from the block.
                Block block = source.get(cid);
                addLeaf(out, new UnixFsLeaf(cid, offset, block.size()), maxLeaves);
            } else {
                addLeaf(out, new UnixFsLeaf(cid, offset, (int) expectedSize), maxLeaves);
            }
            return;
        }
        UnixFsNode node = UnixFsNode.parse(source.get(cid));
        if (expectedSize >= 0 && node.fileSize() != expectedSize) {
            throw new UnixFsFormatException(
                    "node " + cid + " holds " + node.fileSize() + " file bytes but its parent says " + expectedSize);
        }
        if (node.inlineData().length > 0 || node.isLeaf()) {
            addLeaf(out, new UnixFsLeaf(cid, offset, node.inlineData().length), maxLeaves);
        }
        for (UnixFsNode.Child child : node.children()) {
            walk(child.cid(), child.size(), offset + child.offset(), depth + 1, source, maxLeaves, out);
        }
    }

    private static void addLeaf(List<UnixFsLeaf> out, UnixFsLeaf leaf, int maxLeaves) throws UnixFsFormatException {
        if (out.size() >= maxLeaves) {
            throw new UnixFsFormatException("file DAG has more than " + maxLeaves + " leaves");
        }
        out.add(leaf);
    }
}
