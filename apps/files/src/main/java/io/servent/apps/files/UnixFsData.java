package io.servent.apps.files;

import com.google.protobuf.InvalidProtocolBufferException;
import io.servent.apps.files.proto.UnixFsProto;
import io.servent.p2p.api.Varint;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The UnixFS {@code Data} message of a file node: its type, inline bytes, {@code filesize} and one
 * {@code blocksizes} entry per link (the file bytes under that link). Immutable; the data array is
 * owned by this object. Thread-safe.
 *
 * @see <a href="https://github.com/ipfs/specs/blob/main/UNIXFS.md">UnixFS</a>
 */
public final class UnixFsData {
    /** UnixFS DataType numbers. */
    public static final int TYPE_RAW = 0;

    public static final int TYPE_DIRECTORY = 1;
    public static final int TYPE_FILE = 2;

    private final int type;
    private final byte @Nullable [] data;
    private final @Nullable Long filesize;
    private final List<Long> blocksizes;

    public UnixFsData(int type, byte @Nullable [] data, @Nullable Long filesize, List<Long> blocksizes) {
        this.type = type;
        this.data = data;
        this.filesize = filesize;
        this.blocksizes = List.copyOf(blocksizes);
    }

    /** An internal file node as kubo writes it: type File, no inline data, filesize and blocksizes set. */
    public static UnixFsData fileNode(List<Long> blocksizes) {
        long total = 0;
        for (long size : blocksizes) {
            total = Math.addExact(total, size);
        }
        return new UnixFsData(TYPE_FILE, null, total, blocksizes);
    }

    public int type() {
        return type;
    }

    public Optional<byte[]> data() {
        return Optional.ofNullable(data);
    }

    public OptionalLong filesize() {
        return filesize == null ? OptionalLong.empty() : OptionalLong.of(filesize);
    }

    public List<Long> blocksizes() {
        return blocksizes;
    }

    /** Fields in number order, blocksizes unpacked (proto2's default, as kubo writes them). */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + blocksizes.size() * 5);
        write(out, 1 << 3);
        write(out, type);
        if (data != null) {
            write(out, (2 << 3) | 2);
            write(out, data.length);
            out.writeBytes(data);
        }
        if (filesize != null) {
            write(out, 3 << 3);
            write(out, filesize);
        }
        for (long size : blocksizes) {
            write(out, 4 << 3);
            write(out, size);
        }
        return out.toByteArray();
    }

    /** Decodes the Data field of a dag-pb node (bounded by the block it came from). */
    public static UnixFsData decode(byte[] bytes) throws UnixFsFormatException {
        UnixFsProto.Data pb;
        try {
            pb = UnixFsProto.Data.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new UnixFsFormatException("malformed UnixFS Data: " + e.getMessage(), e);
        }
        if (pb.getBlocksizesCount() > DagPb.MAX_LINKS) {
            throw new UnixFsFormatException(
                    "UnixFS Data has " + pb.getBlocksizesCount() + " blocksizes; the limit is " + DagPb.MAX_LINKS);
        }
        for (long size : pb.getBlocksizesList()) {
            if (size < 0) {
                throw new UnixFsFormatException("UnixFS blocksize " + Long.toUnsignedString(size) + " is too large");
            }
        }
        if (pb.hasFilesize() && pb.getFilesize() < 0) {
            throw new UnixFsFormatException(
                    "UnixFS filesize " + Long.toUnsignedString(pb.getFilesize()) + " is too large");
        }
        return new UnixFsData(
                pb.getType().getNumber(),
                pb.hasData() ? pb.getData().toByteArray() : null,
                pb.hasFilesize() ? pb.getFilesize() : null,
                pb.getBlocksizesList());
    }

    private static void write(ByteArrayOutputStream out, long value) {
        byte[] buf = new byte[Varint.MAX_BYTES];
        int n = Varint.write(value, buf, 0);
        out.write(buf, 0, n);
    }
}
