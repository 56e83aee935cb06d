package io.servent.p2p.gossipsub;

import com.google.protobuf.ByteString;
import java.util.HexFormat;

/**
 * The id of a pubsub message, as a {@link MessageIdFunction} derives it: the key of the seen cache,
 * the message cache and IHAVE/IWANT gossip. Immutable and thread-safe.
 */
public final class MessageId {
    private final ByteString bytes;

    private MessageId(ByteString bytes) {
        this.bytes = bytes;
    }

    public static MessageId of(byte[] bytes) {
        return new MessageId(ByteString.copyFrom(bytes));
    }

    static MessageId of(ByteString bytes) {
        return new MessageId(bytes);
    }

    public byte[] bytes() {
        return bytes.toByteArray();
    }

    ByteString byteString() {
        return bytes;
    }

    int length() {
        return bytes.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageId other && bytes.equals(other.bytes);
    }

    @Override
    public int hashCode() {
        return bytes.hashCode();
    }

    /** Hex, shortened to its last 16 digits when longer (ids often start with the author's id). */
    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(bytes.toByteArray());
        return hex.length() <= 16 ? hex : "…" + hex.substring(hex.length() - 16);
    }
}
