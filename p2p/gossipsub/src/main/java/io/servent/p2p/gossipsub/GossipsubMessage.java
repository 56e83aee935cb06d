package io.servent.p2p.gossipsub;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.PeerId;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * A pubsub message as the application sees it, after its signature was checked. Immutable and
 * thread-safe.
 */
public final class GossipsubMessage {
    private final MessageId id;
    private final String topic;
    private final ByteString data;
    private final @Nullable PeerId from;
    private final @Nullable Long seqno;
    private final PeerId receivedFrom;

    GossipsubMessage(
            MessageId id,
            String topic,
            ByteString data,
            @Nullable PeerId from,
            @Nullable Long seqno,
            PeerId receivedFrom) {
        this.id = id;
        this.topic = topic;
        this.data = data;
        this.from = from;
        this.seqno = seqno;
        this.receivedFrom = receivedFrom;
    }

    public MessageId id() {
        return id;
    }

    public String topic() {
        return topic;
    }

    /** A copy of the payload. */
    public byte[] data() {
        return data.toByteArray();
    }

    public int dataLength() {
        return data.size();
    }

    ByteString dataBytes() {
        return data;
    }

    /** The author, who signed the message; empty under {@link SignaturePolicy#STRICT_NO_SIGN}. */
    public Optional<PeerId> from() {
        return Optional.ofNullable(from);
    }

    /** The author's sequence number (unsigned); empty under {@link SignaturePolicy#STRICT_NO_SIGN}. */
    public OptionalLong seqno() {
        return seqno == null ? OptionalLong.empty() : OptionalLong.of(seqno);
    }

    /** The peer that forwarded the message to us (the propagation source); ourselves if we published it. */
    public PeerId receivedFrom() {
        return receivedFrom;
    }

    @Override
    public String toString() {
        return "GossipsubMessage[" + id + " on '" + topic + "', " + data.size() + " bytes from "
                + (from == null ? "anonymous" : from.shortString()) + " via " + receivedFrom.shortString() + "]";
    }
}
