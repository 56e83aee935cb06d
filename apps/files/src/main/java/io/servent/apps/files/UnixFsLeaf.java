package io.servent.apps.files;

import io.servent.p2p.api.Cid;

/**
 * One leaf of a file: the block {@code cid} holds the file bytes {@code [offset, offset + length)}.
 * For a raw leaf that is the whole block; for a dag-pb node it is the node's inline UnixFS data.
 *
 * <p>In a leaf list learned from a DAG ({@link UnixFsDag#leaves}) the length of a raw leaf comes from
 * its verified parent: a downloader must also check that the leaf block it gets has exactly that
 * length (the CID proves the bytes, the parent proves where they go).
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
