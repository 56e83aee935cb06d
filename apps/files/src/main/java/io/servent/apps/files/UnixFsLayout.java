package io.servent.apps.files;

/**
 * How files are cut into blocks and linked: fixed-size chunks of {@code chunkSize} bytes as raw
 * CIDv1 leaves under a balanced tree of dag-pb File nodes with at most {@code maxLinks} links each.
 * {@link #defaults()} is servent's layout; others exist so tests can check the algorithm against
 * published kubo CIDs made with other parameters.
 *
 * @param chunkSize leaf size in bytes, 1 to {@link UnixFs#MAX_CHUNK_SIZE}
 * @param maxLinks links per internal node, 2 to {@link DagPb#MAX_LINKS}
 */
public record UnixFsLayout(int chunkSize, int maxLinks) {
    public UnixFsLayout {
        if (chunkSize < 1 || chunkSize > UnixFs.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException(
                    "chunk size must be 1 to " + UnixFs.MAX_CHUNK_SIZE + " bytes, not " + chunkSize);
        }
        if (maxLinks < 2 || maxLinks > DagPb.MAX_LINKS) {
            throw new IllegalArgumentException("max links must be 2 to " + DagPb.MAX_LINKS + ", not " + maxLinks);
        }
    }

    /** {@link UnixFs#BLOCK_SIZE} chunks, {@link UnixFs#MAX_LINKS} links per node. */
    public static UnixFsLayout defaults() {
        return new UnixFsLayout(UnixFs.BLOCK_SIZE, UnixFs.MAX_LINKS);
    }

    public UnixFsLayout withChunkSize(int value) {
        return new UnixFsLayout(value, maxLinks);
    }

    public UnixFsLayout withMaxLinks(int value) {
        return new UnixFsLayout(chunkSize, value);
    }
}
