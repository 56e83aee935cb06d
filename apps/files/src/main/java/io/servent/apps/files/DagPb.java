package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.Varint;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The dag-pb codec, by hand. protobuf-java writes fields in field-number order, which would put Data
 * (field 1) before Links (field 2); the dag-pb spec's canonical form — and so every CID IPFS computes —
 * has the Links first. The decoder is strict the way the spec asks: only the PBNode and PBLink fields,
 * each with its wire type, Links before Data, no duplicates, Hash required in every link. Stateless
 * and thread-safe.
 *
 * @see <a href="https://ipld.io/specs/codecs/dag-pb/spec/">dag-pb spec</a>
 */
public final class DagPb {
    /** Decoding refuses nodes with more links than this (kubo writes at most 1024 per file node). */
    public static final int MAX_LINKS = 1 << 14;

    /** Link names longer than this are refused (file systems cap names at 255 bytes). */
    public static final int MAX_NAME_BYTES = 4096;

    private static final int TAG_DATA = (1 << 3) | 2;
    private static final int TAG_LINKS = (2 << 3) | 2;
    private static final int TAG_LINK_HASH = (1 << 3) | 2;
    private static final int TAG_LINK_NAME = (2 << 3) | 2;
    private static final int TAG_LINK_TSIZE = 3 << 3;

    private DagPb() {}

    /** Canonical dag-pb bytes: each link as Hash, Name, Tsize; then Data if present. */
    public static byte[] encode(DagPbNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + node.links().size() * 48);
        for (DagPbLink link : node.links()) {
            byte[] hash = link.cid().bytes();
            byte[] name = link.name().getBytes(StandardCharsets.UTF_8);
            int length = 1
                    + Varint.encodedLength(hash.length)
                    + hash.length
                    + 1
                    + Varint.encodedLength(name.length)
                    + name.length
                    + 1
                    + Varint.encodedLength(link.tsize());
            writeVarint(out, TAG_LINKS);
            writeVarint(out, length);
            writeVarint(out, TAG_LINK_HASH);
            writeVarint(out, hash.length);
            out.writeBytes(hash);
            writeVarint(out, TAG_LINK_NAME);
            writeVarint(out, name.length);
            out.writeBytes(name);
            writeVarint(out, TAG_LINK_TSIZE);
            writeVarint(out, link.tsize());
        }
        node.data().ifPresent(data -> {
            writeVarint(out, TAG_DATA);
            writeVarint(out, data.length);
            out.writeBytes(data);
        });
        return out.toByteArray();
    }

    /** Decodes a whole block (already bounded by {@link UnixFs#MAX_BLOCK_SIZE}). */
    public static DagPbNode decode(byte[] bytes) throws UnixFsFormatException {
        Reader in = new Reader(bytes, 0, bytes.length, "PBNode");
        List<DagPbLink> links = new ArrayList<>();
        byte @Nullable [] data = null;
        while (in.more()) {
            long tag = in.varint("field tag");
            if (tag == TAG_LINKS) {
                if (data != null) {
                    throw new UnixFsFormatException("PBNode has a Link after its Data; dag-pb puts Links first");
                }
                if (links.size() == MAX_LINKS) {
                    throw new UnixFsFormatException("PBNode has more than " + MAX_LINKS + " links");
                }
                int length = in.length("PBLink");
                links.add(decodeLink(new Reader(bytes, in.pos, in.pos + length, "PBLink " + links.size())));
                in.pos += length;
            } else if (tag == TAG_DATA) {
                if (data != null) {
                    throw new UnixFsFormatException("PBNode has two Data fields");
                }
                int length = in.length("Data");
                data = Arrays.copyOfRange(bytes, in.pos, in.pos + length);
                in.pos += length;
            } else {
                throw new UnixFsFormatException("PBNode has unknown field tag " + tag + " at byte " + in.pos);
            }
        }
        return new DagPbNode(links, data);
    }

    private static DagPbLink decodeLink(Reader in) throws UnixFsFormatException {
        @Nullable Cid cid = null;
        String name = "";
        long tsize = 0;
        int lastField = 0;
        while (in.more()) {
            long tag = in.varint("field tag");
            int field = (int) Math.min(tag >>> 3, Integer.MAX_VALUE);
            if (field <= lastField) {
                throw new UnixFsFormatException(in.what + " has field " + field + " after field " + lastField
                        + "; dag-pb links hold Hash, Name, Tsize once each in that order");
            }
            lastField = field;
            if (tag == TAG_LINK_HASH) {
                int length = in.length("Hash");
                try {
                    cid = Cid.fromBytes(Arrays.copyOfRange(in.bytes, in.pos, in.pos + length));
                } catch (MultiformatException e) {
                    throw new UnixFsFormatException(in.what + " has an invalid Hash: " + e.getMessage(), e);
                }
                in.pos += length;
            } else if (tag == TAG_LINK_NAME) {
                int length = in.length("Name");
                if (length > MAX_NAME_BYTES) {
                    throw new UnixFsFormatException(
                            in.what + " has a " + length + "-byte Name; the limit is " + MAX_NAME_BYTES);
                }
                name = utf8(in.bytes, in.pos, length, in.what);
                in.pos += length;
            } else if (tag == TAG_LINK_TSIZE) {
                tsize = in.varint("Tsize");
            } else {
                throw new UnixFsFormatException(in.what + " has unknown field tag " + tag);
            }
        }
        if (cid == null) {
            throw new UnixFsFormatException(in.what + " has no Hash");
        }
        return new DagPbLink(cid, name, tsize);
    }

    private static String utf8(byte[] bytes, int offset, int length, String what) throws UnixFsFormatException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new UnixFsFormatException(what + " has a Name that is not UTF-8", e);
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        byte[] buf = new byte[Varint.MAX_BYTES];
        int n = Varint.write(value, buf, 0);
        out.write(buf, 0, n);
    }

    /** A bounded cursor over one protobuf message inside {@code bytes}. */
    static final class Reader {
        final byte[] bytes;
        final int end;
        final String what;
        int pos;

        Reader(byte[] bytes, int start, int end, String what) {
            this.bytes = bytes;
            this.pos = start;
            this.end = end;
            this.what = what;
        }

        boolean more() {
            return pos < end;
        }

        long varint(String field) throws UnixFsFormatException {
            try {
                Varint.Decoded d =
                        Varint.decode(Arrays.copyOfRange(bytes, pos, Math.min(end, pos + Varint.MAX_BYTES)), 0);
                pos += d.length();
                return d.value();
            } catch (MultiformatException e) {
                throw new UnixFsFormatException(what + " " + field + " at byte " + pos + ": " + e.getMessage(), e);
            }
        }

        /** A length prefix that must fit in what is left of this message. */
        int length(String field) throws UnixFsFormatException {
            long length = varint(field + " length");
            if (length > end - pos) {
                throw new UnixFsFormatException(
                        what + " " + field + " claims " + length + " bytes but only " + (end - pos) + " remain");
            }
            return (int) length;
        }
    }
}
