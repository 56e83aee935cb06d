package io.servent.apps.files;

import io.servent.p2p.api.Cid;

/**
 * One leaf of a file: the block {@code cid} holds the file bytes {@code [offset, offset + length)}.
 * For a raw leaf that is the whole block; for a dag-pb node it is the node's inline UnixFS data.
 */
public record UnixFsLeaf(Cid cid, long offset, int length) {
    public UnixFsLeaf {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset " + offset + " or length " + length);
        }
    }

    public long end() {
        return offset + length;
    }
}
