package io.servent.p2p.mdns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Encodes and decodes DNS messages (RFC 1035 §4), strictly and within fixed bounds, so that any
 * datagram from the network either decodes or fails with a {@link DnsFormatException}:
 *
 * <ul>
 *   <li>a message is at most {@value #MAX_MESSAGE_LENGTH} bytes (RFC 6762 §17) and has no bytes
 *       after its last record; the section counts must fit in what is left before anything is
 *       allocated for them;
 *   <li>a compression pointer must point strictly before every byte its name has visited so far
 *       (so no loop is possible) and not into the header, and a name follows at most
 *       {@value #MAX_POINTERS} pointers; a name has at most 255 wire bytes and labels of at most 63
 *       bytes; the reserved label types 01 and 10 are refused;
 *   <li>record data must be exactly as long as its type needs: 4 bytes for A, 16 for AAAA, a name
 *       ending exactly at the end of PTR and SRV data, TXT strings filling the data exactly.
 * </ul>
 *
 * <p>Labels must be UTF-8 (RFC 6762 §16). Records of other types or classes, and TXT records with
 * a string that is not UTF-8 (binary DNS-SD values), are checked for length and skipped. Encoding
 * compresses names against earlier ones. Stateless and thread-safe.
 */
public final class DnsCodec {
    /** RFC 6762 §17: an mDNS message, even over jumbo frames, is at most 9000 bytes. */
    public static final int MAX_MESSAGE_LENGTH = 9000;

    static final int HEADER_LENGTH = 12;
    static final int MAX_POINTERS = 64;
    private static final int CLASS_IN = 1;
    private static final int TOP_BIT = 0x8000;
    /** Smallest question: the root name, type and class. */
    private static final int MIN_QUESTION_LENGTH = 5;
    /** Smallest record: the root name, type, class, TTL and data length. */
    private static final int MIN_RECORD_LENGTH = 11;
    /** Compression pointers have 14 bits of offset. */
    private static final int MAX_POINTER_OFFSET = 0x3FFF;

    private DnsCodec() {}

    public static DnsMessage decode(byte[] packet) throws DnsFormatException {
        return decode(packet, 0, packet.length);
    }

    /** Decodes the message in {@code packet[offset, offset + length)}. */
    public static DnsMessage decode(byte[] packet, int offset, int length) throws DnsFormatException {
        if (offset < 0 || length < 0 || length > packet.length - offset) {
            throw new IndexOutOfBoundsException(
                    "range [" + offset + ", " + offset + "+" + length + ") of " + packet.length + " bytes");
        }
        if (length > MAX_MESSAGE_LENGTH) {
            throw new DnsFormatException(
                    "a DNS message of " + length + " bytes exceeds the mDNS limit of " + MAX_MESSAGE_LENGTH);
        }
        try {
            return new Reader(packet, offset, length).message();
        } catch (IllegalArgumentException e) {
            // A value the records refuse (none should get this far); still the sender's fault.
            throw new DnsFormatException("invalid record: " + e.getMessage());
        }
    }

    /**
     * Encodes {@code message}, compressing names.
     *
     * @throws IllegalArgumentException if it would exceed {@value #MAX_MESSAGE_LENGTH} bytes or a
     *     section has more than 65535 entries
     */
    public static byte[] encode(DnsMessage message) {
        return new Writer().message(message);
    }

    private static final class Reader {
        private final byte[] data;
        private final int base;
        private final int end;
        private int pos;

        Reader(byte[] data, int offset, int length) {
            this.data = data;
            this.base = offset;
            this.end = offset + length;
            this.pos = offset;
        }

        DnsMessage message() throws DnsFormatException {
            if (end - base < HEADER_LENGTH) {
                throw new DnsFormatException("a DNS message has a 12-byte header; got " + (end - base) + " bytes");
            }
            int id = u16();
            int flags = u16();
            int questionCount = u16();
            int answerCount = u16();
            int authorityCount = u16();
            int additionalCount = u16();
            long needed = (long) questionCount * MIN_QUESTION_LENGTH
                    + (long) (answerCount + authorityCount + additionalCount) * MIN_RECORD_LENGTH;
            if (needed > end - pos) {
                throw new DnsFormatException("the header announces " + questionCount + " questions and "
                        + (answerCount + authorityCount + additionalCount) + " records, which cannot fit in the "
                        + (end - pos) + " bytes that follow");
            }
            List<DnsQuestion> questions = new ArrayList<>(questionCount);
            for (int i = 0; i < questionCount; i++) {
                questions.add(question());
            }
            List<DnsRecord> answers = records(answerCount);
            List<DnsRecord> authorities = records(authorityCount);
            List<DnsRecord> additionals = records(additionalCount);
            if (pos != end) {
                throw new DnsFormatException((end - pos) + " bytes follow the last record");
            }
            return new DnsMessage(id, flags, questions, answers, authorities, additionals);
        }

        private DnsQuestion question() throws DnsFormatException {
            DnsName name = nameAt(pos, true);
            need(4, "a question's type and class");
            int type = u16();
            int qclass = u16();
            return new DnsQuestion(name, type, (qclass & TOP_BIT) != 0);
        }

        private List<DnsRecord> records(int count) throws DnsFormatException {
            List<DnsRecord> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                DnsRecord record = record();
                if (record != null) {
                    out.add(record);
                }
            }
            return out;
        }

        /** The next record, or null if it is of a type or class this codec skips. */
        private @Nullable DnsRecord record() throws DnsFormatException {
            DnsName name = nameAt(pos, true);
            need(10, "a record's type, class, TTL and data length");
            int type = u16();
            int rclass = u16();
            long ttl = u32();
            int length = u16();
            need(length, "record data");
            int dataEnd = pos + length;
            boolean cacheFlush = (rclass & TOP_BIT) != 0;
            int cls = rclass & ~TOP_BIT;
            if (cls != CLASS_IN) {
                pos = dataEnd;
                return null;
            }
            DnsRecord record = null;
            switch (type) {
                case DnsRecord.TYPE_A -> record = new DnsRecord.A(name, ttl, cacheFlush, (Inet4Address) ip(length, 4));
                case DnsRecord.TYPE_AAAA -> record = new DnsRecord.Aaaa(name, ttl, cacheFlush, ip6(ip(length, 16)));
                case DnsRecord.TYPE_PTR -> record = new DnsRecord.Ptr(name, ttl, cacheFlush, nameAt(pos, true));
                case DnsRecord.TYPE_SRV -> {
                    if (length < 7) {
                        throw new DnsFormatException("SRV data of " + length + " bytes is too short");
                    }
                    int priority = u16();
                    int weight = u16();
                    int port = u16();
                    record = new DnsRecord.Srv(name, ttl, cacheFlush, priority, weight, port, nameAt(pos, true));
                }
                case DnsRecord.TYPE_TXT -> {
                    List<String> strings = strings(dataEnd);
                    if (strings != null) {
                        record = new DnsRecord.Txt(name, ttl, cacheFlush, strings);
                    }
                }
                default -> pos = dataEnd;
            }
            if (pos != dataEnd) {
                throw new DnsFormatException("record data of type " + type + " is " + length
                        + " bytes but its content took " + (pos - (dataEnd - length)));
            }
            return record;
        }

        private InetAddress ip(int length, int expected) throws DnsFormatException {
            if (length != expected) {
                throw new DnsFormatException("an address record has " + expected + " bytes of data, not " + length);
            }
            byte[] raw = new byte[expected];
            System.arraycopy(data, pos, raw, 0, expected);
            pos += expected;
            try {
                return InetAddress.getByAddress(raw);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 or 16 bytes are always an address", e);
            }
        }

        /** {@code InetAddress.getByAddress} turns IPv4-mapped IPv6 bytes into an IPv4 address; undo that. */
        private static Inet6Address ip6(InetAddress address) {
            if (address instanceof Inet6Address v6) {
                return v6;
            }
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
            try {
                return Inet6Address.getByAddress(null, mapped, -1);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are always an IPv6 address", e);
            }
        }

        /** The strings of TXT data; null (the record is skipped) if one is not UTF-8, e.g. a binary value. */
        private @Nullable List<String> strings(int dataEnd) throws DnsFormatException {
            if (pos == dataEnd) {
                throw new DnsFormatException("a TXT record has at least one string; this one is empty");
            }
            List<String> out = new ArrayList<>();
            boolean text = true;
            while (pos < dataEnd) {
                int n = data[pos++] & 0xFF;
                if (n > dataEnd - pos) {
                    throw new DnsFormatException(
                            "a TXT string of " + n + " bytes runs past its record's data by " + (n - (dataEnd - pos)));
                }
                String s = utf8(pos, n);
                if (s == null) {
                    text = false;
                } else {
                    out.add(s);
                }
                pos += n;
            }
            return text ? out : null;
        }

        private @Nullable String utf8(int from, int length) {
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(data, from, length))
                        .toString();
            } catch (CharacterCodingException e) {
                return null;
            }
        }

        /**
         * The name starting at {@code start}. If {@code advance}, moves {@link #pos} past it (past the
         * first pointer, if any).
         */
        private DnsName nameAt(int start, boolean advance) throws DnsFormatException {
            List<String> labels = new ArrayList<>();
            int p = start;
            int lowest = start; // every pointer must go below every byte visited so far
            int after = -1;
            int wire = 1;
            int pointers = 0;
            while (true) {
                if (p >= end) {
                    throw new DnsFormatException("a name runs past the end of the message");
                }
                int len = data[p] & 0xFF;
                switch (len & 0xC0) {
                    case 0x00 -> {
                        if (len == 0) {
                            if (after < 0) {
                                after = p + 1;
                            }
                            if (advance) {
                                pos = after;
                            }
                            return new DnsName(labels);
                        }
                        if (len > end - p - 1) {
                            throw new DnsFormatException(
                                    "a label of " + len + " bytes runs past the end of the message");
                        }
                        wire += 1 + len;
                        if (wire > DnsName.MAX_WIRE_LENGTH) {
                            throw new DnsFormatException("a name is longer than " + DnsName.MAX_WIRE_LENGTH + " bytes");
                        }
                        String label = utf8(p + 1, len);
                        if (label == null) {
                            throw new DnsFormatException("a label is not UTF-8 (RFC 6762 §16)");
                        }
                        labels.add(label);
                        p += 1 + len;
                    }
                    case 0xC0 -> {
                        if (p + 1 >= end) {
                            throw new DnsFormatException("a compression pointer is cut off by the end of the message");
                        }
                        if (++pointers > MAX_POINTERS) {
                            throw new DnsFormatException("a name follows more than " + MAX_POINTERS + " pointers");
                        }
                        int target = base + (((len & 0x3F) << 8) | (data[p + 1] & 0xFF));
                        if (after < 0) {
                            after = p + 2;
                        }
                        if (target < base + HEADER_LENGTH) {
                            throw new DnsFormatException("a compression pointer points into the header");
                        }
                        if (target >= lowest) {
                            throw new DnsFormatException("a compression pointer at offset " + (p - base)
                                    + " points forward or into its own name (to " + (target - base) + ")");
                        }
                        lowest = target;
                        p = target;
                    }
                    default ->
                        throw new DnsFormatException(
                                "label type 0x" + Integer.toHexString(len & 0xC0) + " is reserved (RFC 6891)");
                }
            }
        }

        private void need(int n, String what) throws DnsFormatException {
            if (n > end - pos) {
                throw new DnsFormatException(what + " needs " + n + " bytes but only " + (end - pos) + " remain");
            }
        }

        private int u16() {
            int v = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        private long u32() {
            long v = ((long) (data[pos] & 0xFF) << 24)
                    | ((data[pos + 1] & 0xFF) << 16)
                    | ((data[pos + 2] & 0xFF) << 8)
                    | (data[pos + 3] & 0xFF);
            pos += 4;
            return v;
        }
    }

    private static final class Writer {
        private byte[] buf = new byte[512];
        private int size;
        /**
         * Offsets of name suffixes already written. Matched exactly, not case-insensitively, so that
         * names keep the case they were given.
         */
        private final Map<List<String>, Integer> suffixes = new HashMap<>();

        byte[] message(DnsMessage m) {
            u16(m.id());
            u16(m.flags());
            u16(count(m.questions().size()));
            u16(count(m.answers().size()));
            u16(count(m.authorities().size()));
            u16(count(m.additionals().size()));
            for (DnsQuestion q : m.questions()) {
                name(q.name());
                u16(q.type());
                u16(CLASS_IN | (q.unicastResponse() ? TOP_BIT : 0));
            }
            for (DnsRecord r : m.records()) {
                record(r);
            }
            return Arrays.copyOf(buf, size);
        }

        private static int count(int n) {
            if (n > 0xFFFF) {
                throw new IllegalArgumentException("a DNS section has at most 65535 entries, not " + n);
            }
            return n;
        }

        private void record(DnsRecord r) {
            name(r.name());
            u16(r.type());
            u16(CLASS_IN | (r.cacheFlush() ? TOP_BIT : 0));
            u32(r.ttl());
            int lengthAt = size;
            u16(0); // the data length, patched below
            switch (r) {
                case DnsRecord.A a -> bytes(a.address().getAddress());
                case DnsRecord.Aaaa a -> bytes(a.address().getAddress());
                case DnsRecord.Ptr p -> name(p.target());
                case DnsRecord.Srv s -> {
                    u16(s.priority());
                    u16(s.weight());
                    u16(s.port());
                    name(s.target());
                }
                case DnsRecord.Txt t -> {
                    for (String s : t.strings()) {
                        byte[] text = s.getBytes(StandardCharsets.UTF_8);
                        u8(text.length);
                        bytes(text);
                    }
                }
            }
            int length = size - lengthAt - 2;
            buf[lengthAt] = (byte) (length >> 8);
            buf[lengthAt + 1] = (byte) length;
        }

        private void name(DnsName name) {
            List<String> labels = name.labels();
            for (int i = 0; i < labels.size(); i++) {
                List<String> key = List.copyOf(labels.subList(i, labels.size()));
                Integer earlier = suffixes.get(key);
                if (earlier != null) {
                    u16(0xC000 | earlier);
                    return;
                }
                if (size <= MAX_POINTER_OFFSET) {
                    suffixes.put(key, size);
                }
                byte[] label = labels.get(i).getBytes(StandardCharsets.UTF_8);
                u8(label.length);
                bytes(label);
            }
            u8(0);
        }

        private void ensure(int n) {
            if (size + n > MAX_MESSAGE_LENGTH) {
                throw new IllegalArgumentException("the message would exceed " + MAX_MESSAGE_LENGTH + " bytes");
            }
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.min(MAX_MESSAGE_LENGTH, Math.max(buf.length * 2, size + n)));
            }
        }

        private void u8(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        private void u16(int v) {
            ensure(2);
            buf[size++] = (byte) (v >> 8);
            buf[size++] = (byte) v;
        }

        private void u32(long v) {
            u16((int) (v >>> 16));
            u16((int) (v & 0xFFFF));
        }

        private void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, size, b.length);
            size += b.length;
        }
    }
}
