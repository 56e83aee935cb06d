package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import java.util.List;

/**
 * A file as content: its root CID, its size, and every leaf in file order. Immutable.
 *
 * @param root the CID {@code ipfs add --cid-version=1 --raw-leaves} gives for the same layout
 * @param size file bytes
 * @param leaves leaves in order; they tile {@code [0, size)} (an empty file has one empty leaf)
 * @param nodes internal dag-pb nodes written (0 when the file fits in one leaf)
 * @param dagSize the root's Tsize: all blocks of the DAG, leaves and nodes, in bytes
 */
public record UnixFsFile(Cid root, long size, List<UnixFsLeaf> leaves, int nodes, long dagSize) {
    public UnixFsFile {
        leaves = List.copyOf(leaves);
    }
}
