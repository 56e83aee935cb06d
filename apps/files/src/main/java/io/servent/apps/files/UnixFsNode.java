package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import java.util.ArrayList;
import java.util.List;

/**
 * One verified block of a UnixFS file read as a node: its file size, the file bytes it carries
 * inline (all of a raw leaf; the UnixFS {@code Data} of a dag-pb node) and its children with the
 * offset of each inside this node's span. Inline bytes come first, then the children in order.
 *
 * <p>Parsing checks what a downloader relies on: Type is File or Raw, one {@code blocksizes} entry per
 * link, {@code filesize} (when present) equal to inline bytes plus blocksizes, no overflow, and the
 * bounds of {@link DagPb}. Immutable; thread-safe.
 */
public final class UnixFsNode {
    /** A link to a child block and the span of this node's file bytes under it. */
    public record Child(Cid cid, long offset, long size) {}

    private final Cid cid;
    private final byte[] inlineData;
    private final List<Child> children;
    private final long fileSize;

    private UnixFsNode(Cid cid, byte[] inlineData, List<Child> children, long fileSize) {
        this.cid = cid;
        this.inlineData = inlineData;
        this.children = List.copyOf(children);
        this.fileSize = fileSize;
    }

    /** Reads a verified block: raw (a leaf) or dag-pb (a UnixFS File or Raw node). */
    public static UnixFsNode parse(Block block) throws UnixFsFormatException {
        Cid cid = block.cid();
        if (cid.codec() == Cid.RAW) {
            return new UnixFsNode(cid, block.data(), List.of(), block.size());
        }
        if (cid.codec() != Cid.DAG_PB) {
            throw new UnixFsFormatException(
                    "block " + cid + " has codec 0x" + Long.toHexString(cid.codec()) + ", not raw or dag-pb");
        }
        DagPbNode pb = DagPb.decode(block.data());
        byte[] dataField =
                pb.data().orElseThrow(() -> new UnixFsFormatException("dag-pb node " + cid + " has no UnixFS Data"));
        UnixFsData data = UnixFsData.decode(dataField);
        if (data.type() != UnixFsData.TYPE_FILE && data.type() != UnixFsData.TYPE_RAW) {
            throw new UnixFsFormatException(
                    "dag-pb node " + cid + " is UnixFS type " + data.type() + ", not a file (2) or raw (0) node");
        }
        List<DagPbLink> links = pb.links();
        if (data.blocksizes().size() != links.size()) {
            throw new UnixFsFormatException("file node " + cid + " has " + links.size() + " links but "
                    + data.blocksizes().size() + " blocksizes");
        }
        byte[] inline = data.data().orElse(new byte[0]);
        long offset = inline.length;
        List<Child> children = new ArrayList<>(links.size());
        for (int i = 0; i < links.size(); i++) {
            long size = data.blocksizes().get(i);
            children.add(new Child(links.get(i).cid(), offset, size));
            try {
                offset = Math.addExact(offset, size);
            } catch (ArithmeticException e) {
                throw new UnixFsFormatException("file node " + cid + " has blocksizes that overflow", e);
            }
        }
        if (data.filesize().isPresent() && data.filesize().getAsLong() != offset) {
            throw new UnixFsFormatException("file node " + cid + " says filesize "
                    + data.filesize().getAsLong() + " but its data and blocksizes add up to " + offset);
        }
        return new UnixFsNode(cid, inline, children, offset);
    }

    public Cid cid() {
        return cid;
    }

    /** File bytes under this node. */
    public long fileSize() {
        return fileSize;
    }

    /** File bytes stored in this block itself, at offset 0 of its span (owned by the node: do not modify). */
    public byte[] inlineData() {
        return inlineData;
    }

    /** Links in file order, each with its offset from the start of this node's span. */
    public List<Child> children() {
        return children;
    }

    public boolean isLeaf() {
        return children.isEmpty();
    }
}
