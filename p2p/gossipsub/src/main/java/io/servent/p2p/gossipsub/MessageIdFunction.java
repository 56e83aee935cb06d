package io.servent.p2p.gossipsub;

import com.google.protobuf.ByteString;
import io.servent.p2p.gossipsub.proto.GossipsubProto;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Derives a message's id from its wire form (like go-libp2p-pubsub's {@code MsgIdFunction}). It runs
 * on the router thread for every message received, before any signature is checked, so it must be
 * fast and must not trust the message. It may throw an unchecked exception for a message it cannot
 * identify; the message is then rejected as invalid. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface MessageIdFunction {
    /**
     * go-libp2p-pubsub's default: the {@code from} bytes followed by the {@code seqno} bytes. (js-libp2p
     * uses the author's key protobuf instead of its PeerId bytes; configure one of the two sides if
     * gossip must work across them.)
     */
    MessageIdFunction FROM_AND_SEQNO = message -> MessageId.of(message.getFrom().concat(message.getSeqno()));

    /**
     * js-libp2p's default: the author's public key protobuf followed by the seqno. The key is the
     * {@code key} field when present, else the one an identity-multihash {@code from} inlines (as for
     * every Ed25519 PeerId); without either, {@code from} stands in for it.
     */
    MessageIdFunction KEY_AND_SEQNO = message -> {
        ByteString from = message.getFrom();
        ByteString key;
        if (message.hasKey()) {
            key = message.getKey();
        } else if (from.size() > 2 && from.byteAt(0) == 0 && (from.byteAt(1) & 0xFF) == from.size() - 2) {
            key = from.substring(2);
        } else {
            key = from;
        }
        return MessageId.of(key.concat(message.getSeqno()));
    };

    /** The SHA-256 of the data: for {@link SignaturePolicy#STRICT_NO_SIGN}, as js-libp2p does. */
    MessageIdFunction CONTENT_SHA256 = message -> {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            message.getData().asReadOnlyByteBufferList().forEach(sha256::update);
            return MessageId.of(ByteString.copyFrom(sha256.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    };

    MessageId apply(GossipsubProto.Message message);
}
