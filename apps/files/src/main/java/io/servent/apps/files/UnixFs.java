package io.servent.apps.files;

import io.servent.p2p.api.Cid;

/**
 * servent's UnixFS profile: fixed-size raw leaves of {@link #BLOCK_SIZE} bytes (CIDv1, codec raw,
 * sha2-256) under a balanced tree of dag-pb File nodes with at most {@link #MAX_LINKS} links, which
 * is what {@code ipfs add --cid-version=1 --raw-leaves --chunker=size-1048576} gives, so a file has
 * the same CID in servent and in IPFS.
 *
 * <p>Why 1 MiB: measured against 256 KiB and 512 KiB on this class of machine (see {@code
 * UnixFsBlockSizeBench} and the module README): hashing costs the same per byte at every size, but
 * each block costs a file create + fsync + rename in the block store and a request/response round in
 * the block protocol, so 1 MiB blocks stored and transferred fastest; 1 MiB is also kubo's largest
 * chunker size, the IPIP-499 {@code unixfs-v1-2025} profile's chunk size and half of Bitswap's 2 MiB
 * block limit, and it keeps swarming granular enough (1,024 blocks per GiB). Stateless.
 */
public final class UnixFs {
    /** Leaf size of every file servent adds. */
    public static final int BLOCK_SIZE = 1 << 20;

    /** Links per internal node: kubo's default (8 KiB of ~47-byte links). */
    public static final int MAX_LINKS = 174;

    /** Largest chunk kubo's chunker accepts, and so the largest leaf servent makes. */
    public static final int MAX_CHUNK_SIZE = 1 << 20;

    /** Largest block servent accepts from anyone: Bitswap's limit. */
    public static final int MAX_BLOCK_SIZE = 2 << 20;

    private UnixFs() {}

    /** A raw leaf block holding {@code data}. */
    public static Block rawLeaf(byte[] data) {
        return Block.of(Cid.RAW, data);
    }

    /**
     * The file bytes a leaf block carries: all of a raw block, the inline UnixFS data of a dag-pb node.
     */
    public static byte[] leafData(Block block) throws UnixFsFormatException {
        return block.cid().codec() == Cid.RAW
                ? block.data()
                : UnixFsNode.parse(block).inlineData();
    }
}
