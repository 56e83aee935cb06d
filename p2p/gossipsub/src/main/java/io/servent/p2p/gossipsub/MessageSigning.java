package io.servent.p2p.gossipsub;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Signing and checking messages under {@link SignaturePolicy#STRICT_SIGN}: the signature covers
 * {@code "libp2p-pubsub:"} followed by the message protobuf without its {@code signature} and
 * {@code key} fields; {@code from} is the author's PeerId and {@code key} may be left out when the
 * PeerId inlines the key (Ed25519 ids do, so we leave it out, as go does). Authors are parsed once
 * and cached, since a topic usually has few. Thread-safe.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/README.md#message-signing">message signing</a>
 */
final class MessageSigning {
    static final byte[] PREFIX = "libp2p-pubsub:".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_CACHED_AUTHORS = 4096;

    private final ConcurrentHashMap<ByteString, PeerId> authors = new ConcurrentHashMap<>();

    /** A message with our {@code from}, {@code seqno} (8 bytes, big-endian) and signature. */
    static Message sign(Message unsigned, Function<byte[], byte[]> signer) {
        byte[] signature = signer.apply(signedBytes(unsigned));
        return unsigned.toBuilder().setSignature(ByteString.copyFrom(signature)).build();
    }

    /** What the author signed: the prefix and the protobuf without signature and key. */
    static byte[] signedBytes(Message message) {
        byte[] body = message.toBuilder().clearSignature().clearKey().build().toByteArray();
        byte[] out = new byte[PREFIX.length + body.length];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        System.arraycopy(body, 0, out, PREFIX.length, body.length);
        return out;
    }

    /** The seqno as an unsigned 64-bit number written big-endian in 8 bytes. */
    static ByteString seqno(long value) {
        byte[] bytes = new byte[8];
        for (int i = 7; i >= 0; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return ByteString.copyFrom(bytes);
    }

    static long seqnoValue(ByteString bytes) {
        long value = 0;
        for (int i = 0; i < bytes.size(); i++) {
            value = (value << 8) | (bytes.byteAt(i) & 0xFF);
        }
        return value;
    }

    /** The author, if {@code from} is a PeerId. */
    PeerId author(ByteString from) {
        PeerId cached = authors.get(from);
        if (cached != null) {
            return cached;
        }
        PeerId parsed = PeerId.fromBytes(from.toByteArray());
        if (authors.size() >= MAX_CACHED_AUTHORS) {
            authors.clear(); // crude, but bounded; the common authors return at once
        }
        authors.put(from, parsed);
        return parsed;
    }

    /**
     * Why the message is not authentic under StrictSign, or null when its signature by {@code from}'s
     * key verifies.
     */
    @Nullable
    String problem(Message message) {
        PeerId from;
        try {
            from = author(message.getFrom());
        } catch (MultiformatException e) {
            return "its author (from) is not a PeerId: " + e.getMessage();
        }
        PublicKey key;
        if (message.hasKey() && !inlinedKeyIs(message.getFrom(), message.getKey())) {
            try {
                key = PublicKey.unmarshal(message.getKey().toByteArray());
            } catch (MultiformatException e) {
                return "its key cannot be used: " + e.getMessage();
            }
            if (!from.matches(key)) {
                return "its key is not the key of its author " + from;
            }
        } else {
            key = from.publicKey().orElse(null);
            if (key == null) {
                return "its author's PeerId does not inline a key servent can use, and it carries none";
            }
        }
        if (!key.verify(signedBytes(message), message.getSignature().toByteArray())) {
            return "its signature does not verify with its author's key";
        }
        return null;
    }

    /** Whether {@code key} is exactly the key an identity-multihash {@code from} inlines (js always sends it). */
    private static boolean inlinedKeyIs(ByteString from, ByteString key) {
        // identity multihash: code 0x00, then the digest length (one varint byte for keys up to 127).
        return from.size() > 2
                && from.byteAt(0) == 0
                && (from.byteAt(1) & 0xFF) == from.size() - 2
                && from.substring(2).equals(key);
    }
}
