package io.servent.apps.files;

import io.servent.p2p.api.ProtocolViolationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A query-routing table (Gnutella's QRP, simplified to one bit per slot): the hashes of every keyword
 * prefix a leaf could match. A super-peer forwards a query to a leaf only if every query word's slot
 * is set, so a leaf that cannot match is never bothered; false positives cost one forwarded query.
 *
 * <p>Since names match by word prefix, each word of {@link SearchKeywords#MIN_KEYWORD_LENGTH} or more
 * characters enters with its prefixes from that length up to {@link #MAX_PREFIX}; a query word is
 * looked up by its first {@code MAX_PREFIX} characters, and words shorter than the minimum are not
 * routed on (a query of only such words goes to every leaf). Slots are the first four bytes of
 * SHA-256 over {@code "qrp:" + prefix}, masked to the table size.
 *
 * <p>Updates travel as the XOR of the old and new table, deflated; {@link #applyPatch} refuses
 * anything that does not inflate to exactly the table's size (no inflation bombs). Not thread-safe:
 * the owner guards it.
 */
final class QrpTable {
    static final int MIN_BITS = 8;
    static final int MAX_BITS = 20;
    static final int DEFAULT_BITS = 16;
    static final int MAX_PREFIX = 16;
    /** The largest patch message: a raw table of MAX_BITS plus deflate's worst-case overhead. */
    static final int MAX_PATCH_BYTES = (1 << MAX_BITS) / 8 + 1024;

    private final int bits;
    private final BitSet slots;

    QrpTable(int bits) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new IllegalArgumentException(
                    "QRP tables have 2^" + MIN_BITS + " to 2^" + MAX_BITS + " slots, not 2^" + bits);
        }
        this.bits = bits;
        this.slots = new BitSet(1 << bits);
    }

    int bits() {
        return bits;
    }

    int size() {
        return 1 << bits;
    }

    /** Adds every routable prefix of every word of {@code name}. */
    void addName(String name) {
        for (String word : SearchKeywords.words(name)) {
            for (int n = SearchKeywords.MIN_KEYWORD_LENGTH; n <= Math.min(word.length(), MAX_PREFIX); n++) {
                slots.set(slot(word.substring(0, n)));
            }
        }
    }

    /** Whether a file matching {@code query} could be behind this table. */
    boolean mayMatch(FileQuery query) {
        for (String w : query.words()) {
            String f = SearchKeywords.fold(w);
            if (f.length() < SearchKeywords.MIN_KEYWORD_LENGTH) {
                continue;
            }
            if (!slots.get(slot(f.substring(0, Math.min(f.length(), MAX_PREFIX))))) {
                return false;
            }
        }
        return true;
    }

    /** Fraction of slots set (a full table routes everything). */
    double fill() {
        return slots.cardinality() / (double) size();
    }

    int slot(String prefix) {
        byte[] d = sha256(("qrp:" + prefix).getBytes(StandardCharsets.UTF_8));
        int h = ((d[0] & 0xff) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
        return h & (size() - 1);
    }

    /** The raw table, {@code size()/8} bytes. */
    byte[] raw() {
        return Arrays.copyOf(slots.toByteArray(), size() / 8);
    }

    /** The deflated XOR taking {@code from} (same size, or empty after a reset) to this table. */
    byte[] patchFrom(QrpTable from) {
        if (from.bits != bits) {
            throw new IllegalArgumentException("tables of different sizes");
        }
        byte[] a = raw();
        byte[] b = from.raw();
        for (int i = 0; i < a.length; i++) {
            a[i] ^= b[i];
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(a);
            deflater.finish();
            byte[] out = new byte[a.length + 1024];
            int n = 0;
            while (!deflater.finished()) {
                n += deflater.deflate(out, n, out.length - n);
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
            }
            return Arrays.copyOf(out, n);
        } finally {
            deflater.end();
        }
    }

    /** XORs a received patch into this table; refuses one that is not exactly a table's worth. */
    void applyPatch(byte[] deflated) throws ProtocolViolationException {
        if (deflated.length > MAX_PATCH_BYTES) {
            throw new ProtocolViolationException(
                    "QRP patch of " + deflated.length + " bytes (max " + MAX_PATCH_BYTES + ")");
        }
        byte[] xor = new byte[size() / 8];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(deflated);
            int n = 0;
            while (n < xor.length && !inflater.finished()) {
                int got = inflater.inflate(xor, n, xor.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != xor.length || !inflater.finished() && inflater.inflate(new byte[1]) > 0 || !inflater.finished()) {
                throw new ProtocolViolationException(
                        "QRP patch does not inflate to exactly " + xor.length + " bytes for a 2^" + bits + " table");
            }
        } catch (DataFormatException e) {
            throw new ProtocolViolationException("QRP patch is not valid deflate data: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        slots.xor(BitSet.valueOf(xor));
    }

    QrpTable copy() {
        QrpTable t = new QrpTable(bits);
        t.slots.or(slots);
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QrpTable t && t.bits == bits && t.slots.equals(slots);
    }

    @Override
    public int hashCode() {
        return slots.hashCode() * 31 + bits;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
