package io.servent.node;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.Gossipsub;
import io.servent.p2p.gossipsub.GossipsubMessage;
import io.servent.p2p.gossipsub.GossipsubRouter;
import io.servent.p2p.gossipsub.GossipsubSubscription;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * Gossipsub as the control API offers it: publish, list topics and their peers, and subscribe for
 * a stream of messages. Bounds topics, messages and the number of streaming subscribers. Thread-safe.
 */
public final class PubsubService {
    /** Bytes of a topic name (gossipsub's own limit is larger; people's topics are short). */
    public static final int MAX_TOPIC_BYTES = 256;
    /** Bytes of a message published through the API (its body is at most 64 KiB). */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024;
    /** Subscriptions streamed to API clients at once. */
    public static final int MAX_STREAMS = 64;

    /** {@code POST pubsub/publish}: the message id and how many peers it was sent to (0: none subscribed yet). */
    public record PublishResult(String topic, String messageId, int recipients) {}

    /** {@code GET pubsub/peers/{topic}}: peers subscribed to the topic, and those of them in our mesh. */
    public record TopicPeers(String topic, List<String> peers, List<String> mesh) {
        public TopicPeers {
            peers = List.copyOf(peers);
            mesh = List.copyOf(mesh);
        }
    }

    /** {@code GET pubsub/topics}: topics this node is subscribed to. */
    public record Topics(List<String> topics) {
        public Topics {
            topics = List.copyOf(topics);
        }
    }

    /**
     * One message of {@code GET pubsub/subscribe/{topic}}: the signer ({@code from}), its sequence
     * number (decimal text: it does not fit a JavaScript number), the data (text if valid UTF-8, else
     * base64, as {@code encoding} says), the topic, the message id and the peer it came through.
     */
    public record Message(
            String topic,
            @Nullable String from,
            @Nullable String seqno,
            String data,
            String encoding,
            String messageId,
            String receivedFrom) {
        static Message of(GossipsubMessage m) {
            EncodedBytes data = EncodedBytes.of(m.data());
            return new Message(
                    m.topic(),
                    m.from().map(PeerId::toString).orElse(null),
                    m.seqno().isPresent() ? Long.toUnsignedString(m.seqno().getAsLong()) : null,
                    data.data(),
                    data.encoding(),
                    m.id().toString(),
                    m.receivedFrom().toString());
        }
    }

    private final @Nullable Gossipsub pubsub;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);

    PubsubService(@Nullable Gossipsub pubsub) {
        this.pubsub = pubsub;
    }

    private Gossipsub pubsub() throws NodeException {
        Gossipsub p = pubsub;
        if (p == null) {
            throw new NodeException(
                    NodeException.Kind.UNAVAILABLE, "pubsub is off on this node ([pubsub].enabled = false)");
        }
        return p;
    }

    public PublishResult publish(String topic, String message) throws NodeException {
        checkTopic(topic);
        byte[] data = message.getBytes(StandardCharsets.UTF_8);
        if (data.length > MAX_MESSAGE_BYTES) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT,
                    "a message of " + data.length + " bytes is over the limit of " + MAX_MESSAGE_BYTES);
        }
        GossipsubRouter.PublishResult result;
        try {
            result = pubsub().publish(topic, data);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, "cannot publish: " + e.getMessage(), e);
        }
        return new PublishResult(topic, result.id().toString(), result.recipients());
    }

    public TopicPeers peers(String topic) throws NodeException {
        checkTopic(topic);
        Gossipsub p = pubsub();
        return new TopicPeers(topic, sorted(p.topicPeers(topic)), sorted(p.meshPeers(topic)));
    }

    public Topics topics() throws NodeException {
        return new Topics(pubsub().subscriptions().stream().sorted().toList());
    }

    /**
     * Subscribes for a client that streams the messages; close the result when the client goes. At
     * most {@link #MAX_STREAMS} at once.
     */
    public Stream subscribe(String topic) throws NodeException {
        checkTopic(topic);
        Gossipsub p = pubsub();
        if (!streams.tryAcquire()) {
            throw new NodeException(
                    NodeException.Kind.UNAVAILABLE,
                    MAX_STREAMS + " subscriptions are already streaming; close one first");
        }
        try {
            return new Stream(p.subscribe(topic), streams);
        } catch (RuntimeException e) {
            streams.release();
            throw e;
        }
    }

    /** A subscription streamed to one API client; releases its slot once closed. */
    public static final class Stream implements AutoCloseable {
        private final GossipsubSubscription subscription;
        private final Semaphore slots;
        private final java.util.concurrent.atomic.AtomicBoolean closed =
                new java.util.concurrent.atomic.AtomicBoolean();

        Stream(GossipsubSubscription subscription, Semaphore slots) {
            this.subscription = subscription;
            this.slots = slots;
        }

        public GossipsubSubscription subscription() {
            return subscription;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                subscription.close();
                slots.release();
            }
        }
    }

    private static void checkTopic(String topic) throws NodeException {
        int bytes = topic.getBytes(StandardCharsets.UTF_8).length;
        if (topic.isBlank() || bytes > MAX_TOPIC_BYTES) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT, "a topic is 1-" + MAX_TOPIC_BYTES + " bytes of text, not " + bytes);
        }
    }

    private static List<String> sorted(java.util.Set<PeerId> peers) {
        return peers.stream().map(PeerId::toString).sorted().toList();
    }
}
