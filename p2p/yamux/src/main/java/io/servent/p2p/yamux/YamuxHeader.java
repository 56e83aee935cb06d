package io.servent.p2p.yamux;

import io.servent.p2p.api.ProtocolViolationException;

/**
 * The 12-byte Yamux frame header: version, type, flags, stream id and length, all big-endian.
 * The meaning of {@code length} depends on the type: payload size (Data), window delta (Window
 * Update), opaque value (Ping) or error code (GoAway). Stream id and length are unsigned 32-bit
 * values carried in {@code int}s. Immutable.
 */
record YamuxHeader(int type, int flags, int streamId, int length) {
    static final int SIZE = 12;
    static final int VERSION = 0;

    static final int TYPE_DATA = 0;
    static final int TYPE_WINDOW_UPDATE = 1;
    static final int TYPE_PING = 2;
    static final int TYPE_GO_AWAY = 3;

    static final int FLAG_SYN = 0x1;
    static final int FLAG_ACK = 0x2;
    static final int FLAG_FIN = 0x4;
    static final int FLAG_RST = 0x8;

    static final int GO_AWAY_NORMAL = 0;
    static final int GO_AWAY_PROTOCOL_ERROR = 1;
    static final int GO_AWAY_INTERNAL_ERROR = 2;

    /** The window every stream starts with in both directions (the spec's 256 KiB). */
    static final int INITIAL_WINDOW = 256 * 1024;

    /** The largest value the 32-bit length field can carry. */
    static final long MAX_LENGTH = 0xFFFF_FFFFL;

    YamuxHeader {
        if (type < 0 || type > 0xFF || flags < 0 || flags > 0xFFFF) {
            throw new IllegalArgumentException("type or flags out of range: " + type + ", " + flags);
        }
    }

    static YamuxHeader data(int flags, int streamId, int length) {
        return new YamuxHeader(TYPE_DATA, flags, streamId, length);
    }

    static YamuxHeader windowUpdate(int flags, int streamId, int delta) {
        return new YamuxHeader(TYPE_WINDOW_UPDATE, flags, streamId, delta);
    }

    static YamuxHeader ping(int flags, int opaque) {
        return new YamuxHeader(TYPE_PING, flags, 0, opaque);
    }

    static YamuxHeader goAway(int code) {
        return new YamuxHeader(TYPE_GO_AWAY, 0, 0, code);
    }

    /**
     * Parses a header, rejecting versions and types this implementation does not know: both mean the
     * rest of the byte stream cannot be framed, so the connection must end.
     */
    static YamuxHeader decode(byte[] src, int offset) throws ProtocolViolationException {
        int version = src[offset] & 0xFF;
        if (version != VERSION) {
            throw new ProtocolViolationException(
                    "yamux frame with unsupported version " + version + " (header " + hex(src, offset) + ")");
        }
        int type = src[offset + 1] & 0xFF;
        if (type > TYPE_GO_AWAY) {
            throw new ProtocolViolationException(
                    "yamux frame with unknown type " + type + " (header " + hex(src, offset) + ")");
        }
        int flags = ((src[offset + 2] & 0xFF) << 8) | (src[offset + 3] & 0xFF);
        return new YamuxHeader(type, flags, readInt(src, offset + 4), readInt(src, offset + 8));
    }

    /** Writes the 12 header bytes into {@code dst} at {@code offset}. */
    void encode(byte[] dst, int offset) {
        dst[offset] = VERSION;
        dst[offset + 1] = (byte) type;
        dst[offset + 2] = (byte) (flags >>> 8);
        dst[offset + 3] = (byte) flags;
        writeInt(dst, offset + 4, streamId);
        writeInt(dst, offset + 8, length);
    }

    byte[] encode() {
        byte[] out = new byte[SIZE];
        encode(out, 0);
        return out;
    }

    /** Encodes a header without creating a record: the data path writes one per frame. */
    static void encode(byte[] dst, int type, int flags, int streamId, int length) {
        dst[0] = VERSION;
        dst[1] = (byte) type;
        dst[2] = (byte) (flags >>> 8);
        dst[3] = (byte) flags;
        writeInt(dst, 4, streamId);
        writeInt(dst, 8, length);
    }

    long streamIdUnsigned() {
        return Integer.toUnsignedLong(streamId);
    }

    long lengthUnsigned() {
        return Integer.toUnsignedLong(length);
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    private static int readInt(byte[] src, int offset) {
        return ((src[offset] & 0xFF) << 24)
                | ((src[offset + 1] & 0xFF) << 16)
                | ((src[offset + 2] & 0xFF) << 8)
                | (src[offset + 3] & 0xFF);
    }

    private static void writeInt(byte[] dst, int offset, int value) {
        dst[offset] = (byte) (value >>> 24);
        dst[offset + 1] = (byte) (value >>> 16);
        dst[offset + 2] = (byte) (value >>> 8);
        dst[offset + 3] = (byte) value;
    }

    private static String hex(byte[] src, int offset) {
        StringBuilder sb = new StringBuilder(SIZE * 2);
        for (int i = 0; i < SIZE; i++) {
            sb.append(Character.forDigit((src[offset + i] >> 4) & 0xF, 16))
                    .append(Character.forDigit(src[offset + i] & 0xF, 16));
        }
        return sb.toString();
    }

    static String typeName(int type) {
        return switch (type) {
            case TYPE_DATA -> "Data";
            case TYPE_WINDOW_UPDATE -> "WindowUpdate";
            case TYPE_PING -> "Ping";
            case TYPE_GO_AWAY -> "GoAway";
            default -> "type" + type;
        };
    }

    static String goAwayName(long code) {
        return switch ((int) code) {
            case GO_AWAY_NORMAL -> "normal termination";
            case GO_AWAY_PROTOCOL_ERROR -> "protocol error";
            case GO_AWAY_INTERNAL_ERROR -> "internal error";
            default -> "error code " + code;
        };
    }

    @Override
    public String toString() {
        StringBuilder f = new StringBuilder();
        if (has(FLAG_SYN)) f.append("SYN|");
        if (has(FLAG_ACK)) f.append("ACK|");
        if (has(FLAG_FIN)) f.append("FIN|");
        if (has(FLAG_RST)) f.append("RST|");
        if (!f.isEmpty()) f.setCharAt(f.length() - 1, ' ');
        return typeName(type) + "[" + f + "stream=" + streamIdUnsigned() + " length=" + lengthUnsigned() + "]";
    }
}
