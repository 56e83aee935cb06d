package io.servent.p2p.api;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The libp2p {@code PublicKey}/{@code PrivateKey} protobuf ({@code Type = 1}, {@code Data = 2}),
 * encoded and decoded by hand because the spec demands one deterministic encoding: both fields
 * present, in tag order, minimal varints, nothing else. Decoding accepts exactly that encoding, so
 * every key has one byte form and one PeerId. Stateless and thread-safe.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/peer-ids/peer-ids.md#keys">keys</a>
 */
final class KeyProtobuf {
    private static final int TYPE_TAG = (1 << 3) | 0; // field 1, varint
    private static final int DATA_TAG = (2 << 3) | 2; // field 2, length-delimited

    private KeyProtobuf() {}

    /** A decoded message: the key type and its {@code Data} bytes. */
    static final class Decoded {
        private final KeyType type;
        private final byte[] data;

        Decoded(KeyType type, byte[] data) {
            this.type = type;
            this.data = data;
        }

        KeyType type() {
            return type;
        }

        byte[] data() {
            return data.clone();
        }
    }

    static byte[] encode(KeyType type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 8);
        out.write(TYPE_TAG);
        out.writeBytes(Varint.encode(type.number()));
        out.write(DATA_TAG);
        out.writeBytes(Varint.encode(data.length));
        out.writeBytes(data);
        return out.toByteArray();
    }

    /**
     * Decodes {@code what} ("public key" or "private key"), refusing anything longer than {@code
     * maxLength} before reading it.
     */
    static Decoded decode(byte[] encoded, int maxLength, String what) {
        if (encoded.length > maxLength) {
            throw new MultiformatException(
                    what + " protobuf of " + encoded.length + " bytes exceeds " + maxLength + " bytes");
        }
        int offset = expectTag(encoded, 0, TYPE_TAG, "Type", what);
        Varint.Decoded number = varint(encoded, offset, "Type", what);
        offset += number.length();
        KeyType type = KeyType.byNumber(number.value())
                .orElseThrow(() -> new MultiformatException(
                        what + " protobuf names unknown key type " + number.value() + " (byte 1)"));
        offset = expectTag(encoded, offset, DATA_TAG, "Data", what);
        Varint.Decoded length = varint(encoded, offset, "Data length", what);
        offset += length.length();
        int remaining = encoded.length - offset;
        if (length.value() != remaining) {
            throw new MultiformatException(what + " protobuf declares " + length.value() + " Data bytes at byte "
                    + offset + " but " + remaining + " follow (the Data field must end the message)");
        }
        return new Decoded(type, Arrays.copyOfRange(encoded, offset, encoded.length));
    }

    private static int expectTag(byte[] encoded, int offset, int tag, String field, String what) {
        if (offset >= encoded.length) {
            throw new MultiformatException(what + " protobuf ends at byte " + offset + " before its " + field
                    + " field (both Type and Data are required)");
        }
        int found = encoded[offset] & 0xFF;
        if (found != tag) {
            throw new MultiformatException(String.format(
                    "%s protobuf has tag 0x%02x at byte %d where the %s field (tag 0x%02x) must be;"
                            + " the spec allows only Type then Data, each once",
                    what, found, offset, field, tag));
        }
        return offset + 1;
    }

    private static Varint.Decoded varint(byte[] encoded, int offset, String field, String what) {
        try {
            return Varint.decode(encoded, offset);
        } catch (MultiformatException e) {
            throw new MultiformatException(
                    what + " protobuf " + field + " at byte " + offset + ": " + e.getMessage(), e);
        }
    }
}
