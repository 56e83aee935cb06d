package io.servent.p2p.gossipsub;

/**
 * Whether messages carry their author, sequence number and signature (the pubsub spec's message
 * signing policies). Every peer of a topic must use the same one.
 *
 * @see <a href="https://github.com/libp2p/specs/blob/master/pubsub/README.md#signature-policy-options">signature policies</a>
 */
public enum SignaturePolicy {
    /**
     * Messages carry {@code from}, an 8-byte {@code seqno} and a signature by {@code from}'s key over
     * {@code "libp2p-pubsub:"} and the message protobuf without signature and key; messages lacking
     * any of them, or with a bad signature, are rejected. The default of go and js.
     */
    STRICT_SIGN,
    /**
     * Messages carry none of {@code from}, {@code seqno}, {@code signature} and {@code key};
     * messages with any are rejected. Use a content-based {@link MessageIdFunction} with it.
     */
    STRICT_NO_SIGN
}
