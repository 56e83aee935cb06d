package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multihash;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns a stream of bytes into a UnixFS file DAG, streaming: feed bytes with {@code write}, get each
 * leaf and internal node through the {@link Sink} as soon as it exists, and the root from {@link
 * #finish()}. Memory is one chunk plus at most {@code maxLinks} pending links per tree level.
 *
 * <p>The tree is kubo's balanced layout: leaves are grouped {@code maxLinks} at a time under File
 * nodes, those nodes again, until one root remains; a group is closed as soon as it is full, and at
 * the end every partial group is closed bottom-up (a lone child still gets its own node, as in
 * kubo). A file of one chunk is just its raw leaf; an empty file is the empty raw leaf.
 *
 * <p>Not thread-safe: one builder per file, used from one thread.
 */
public final class UnixFsBuilder {
    /** Receives blocks as the builder makes them. Both methods default to ignoring the block. */
    public interface Sink {
        /**
         * A leaf was cut. {@code buffer[0, length)} holds its bytes only during this call (the builder
         * reuses the buffer): copy them to keep them.
         */
        default void leaf(UnixFsLeaf leaf, byte[] buffer, int length) throws IOException {}

        /** An internal node was made (the builder does not touch the block again). */
        default void node(Block node) throws IOException {}
    }

    /** Keeps nothing: for computing a CID only. */
    public static final Sink DISCARD = new Sink() {};

    private record Child(Cid cid, long fileSize, long tsize) {}

    private final UnixFsLayout layout;
    private final Sink sink;
    private final MessageDigest sha = Multihash.sha256Digest();
    private byte[] chunk;
    private final List<UnixFsLeaf> leaves = new ArrayList<>();
    private final List<List<Child>> levels = new ArrayList<>();
    private int filled;
    private long offset;
    private int nodes;
    private boolean finished;

    public UnixFsBuilder(UnixFsLayout layout, Sink sink) {
        this(layout, sink, Long.MAX_VALUE);
    }

    /**
     * A builder expecting about {@code sizeHint} bytes: small files then cost a small buffer instead of
     * a whole chunk (the buffer grows if more bytes come).
     */
    public UnixFsBuilder(UnixFsLayout layout, Sink sink, long sizeHint) {
        this.layout = layout;
        this.sink = sink;
        this.chunk = new byte[(int) Math.max(1, Math.min(layout.chunkSize(), sizeHint))];
    }

    public UnixFsBuilder(Sink sink) {
        this(UnixFsLayout.defaults(), sink);
    }

    /** The DAG of a whole file, read with a file channel (no extra copy). */
    public static UnixFsFile build(Path file, UnixFsLayout layout, Sink sink) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            UnixFsBuilder builder = new UnixFsBuilder(layout, sink, channel.size());
            builder.write(channel);
            return builder.finish();
        }
    }

    /** The DAG of everything {@code in} yields until it ends. */
    public static UnixFsFile build(InputStream in, UnixFsLayout layout, Sink sink) throws IOException {
        UnixFsBuilder builder = new UnixFsBuilder(layout, sink);
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            builder.write(buffer, 0, n);
        }
        return builder.finish();
    }

    /** The DAG of {@code data} (tests, small content). */
    public static UnixFsFile build(byte[] data, UnixFsLayout layout, Sink sink) throws IOException {
        UnixFsBuilder builder = new UnixFsBuilder(layout, sink);
        builder.write(data, 0, data.length);
        return builder.finish();
    }

    public void write(byte[] bytes, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, bytes.length);
        checkOpen();
        while (len > 0) {
            if (filled == chunk.length) {
                grow();
            }
            int n = Math.min(len, chunk.length - filled);
            System.arraycopy(bytes, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == layout.chunkSize()) {
                cutLeaf();
            }
        }
    }

    /** Reads the channel to its end straight into the chunk buffer. */
    public void write(ReadableByteChannel channel) throws IOException {
        checkOpen();
        while (true) {
            if (filled == chunk.length) {
                // The size hint was short: grow only if the channel really has more.
                ByteBuffer probe = ByteBuffer.allocate(1);
                if (channel.read(probe) < 0) {
                    return;
                }
                grow();
                chunk[filled++] = probe.get(0);
            } else {
                int n = channel.read(ByteBuffer.wrap(chunk, filled, chunk.length - filled));
                if (n < 0) {
                    return;
                }
                filled += n;
            }
            if (filled == layout.chunkSize()) {
                cutLeaf();
            }
        }
    }

    /** The buffer started small (a size hint) and is full: make it a whole chunk. */
    private void grow() {
        chunk = Arrays.copyOf(chunk, layout.chunkSize());
    }

    /** File bytes written so far. */
    public long size() {
        return offset + filled;
    }

    /** Cuts the last leaf, closes the tree and returns the file; the builder is done after this. */
    public UnixFsFile finish() throws IOException {
        checkOpen();
        if (filled > 0 || leaves.isEmpty()) {
            cutLeaf();
        }
        finished = true;
        for (int k = 0; ; k++) {
            List<Child> level = levels.get(k);
            boolean top = k == levels.size() - 1;
            if (top && level.size() == 1) {
                Child root = level.get(0);
                return new UnixFsFile(root.cid(), offset, leaves, nodes, root.tsize());
            }
            if (!level.isEmpty()) {
                Child node = node(level);
                level.clear();
                push(k + 1, node);
            }
        }
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("the builder has finished");
        }
    }

    private void cutLeaf() throws IOException {
        sha.update(chunk, 0, filled);
        Cid cid = Cid.v1(Cid.RAW, Multihash.of(Multihash.SHA2_256, sha.digest()));
        UnixFsLeaf leaf = new UnixFsLeaf(cid, offset, filled);
        sink.leaf(leaf, chunk, filled);
        leaves.add(leaf);
        offset += filled;
        push(0, new Child(cid, filled, filled));
        filled = 0;
    }

    private void push(int k, Child child) throws IOException {
        if (levels.size() == k) {
            levels.add(new ArrayList<>(layout.maxLinks()));
        }
        List<Child> level = levels.get(k);
        level.add(child);
        if (level.size() == layout.maxLinks()) {
            Child node = node(level);
            level.clear();
            push(k + 1, node);
        }
    }

    private Child node(List<Child> children) throws IOException {
        List<DagPbLink> links = new ArrayList<>(children.size());
        List<Long> sizes = new ArrayList<>(children.size());
        long fileSize = 0;
        long tsize = 0;
        for (Child child : children) {
            links.add(new DagPbLink(child.cid(), "", child.tsize()));
            sizes.add(child.fileSize());
            fileSize += child.fileSize();
            tsize += child.tsize();
        }
        byte[] bytes =
                DagPb.encode(new DagPbNode(links, UnixFsData.fileNode(sizes).encode()));
        Cid cid = Cid.v1(Cid.DAG_PB, Multihash.of(Multihash.SHA2_256, sha.digest(bytes)));
        sink.node(Block.hashed(cid, bytes));
        nodes++;
        return new Child(cid, fileSize, tsize + bytes.length);
    }
}
