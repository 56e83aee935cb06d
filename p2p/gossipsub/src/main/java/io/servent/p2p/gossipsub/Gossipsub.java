package io.servent.p2p.gossipsub;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Direction;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.OwnedThreads;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Peerstore;
import io.servent.p2p.api.ProtocolNotSupportedException;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossipsub v1.1 publish/subscribe on a {@link Host}: the I/O shell around a {@link GossipsubRouter}.
 * It speaks {@code /meshsub/1.1.0} and {@code /meshsub/1.0.0} on one long-lived stream per peer and
 * direction: ours carries our RPCs, the peer's carries theirs, each RPC varint-length-prefixed and at
 * most {@link GossipsubLimits#maxRpcSize()} bytes.
 *
 * <p>Threads (all virtual, all owned and stopped by {@link #close()}): {@code gossipsub-router}, the
 * one owner of the routing state, draining a bounded queue of inputs and running the heartbeat;
 * {@code gossipsub-validate-N} checking signatures and running validators; one
 * {@code gossipsub-writer} per peer; one per callback subscription and event listener. Each peer's
 * stream to us is read on the host's handler thread for it, which waits while the router's queue is
 * full (back-pressure to that peer). The router thread never blocks on I/O or on the application:
 * full peer queues drop RPCs, full subscription queues drop their oldest message.
 *
 * <p>Thread-safe.
 *
 * @see <a href="https://github.com/libp2p/specs/tree/master/pubsub">the pubsub specs</a>
 */
public final class Gossipsub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gossipsub.class);

    public static final String PROTOCOL_V11 = "/meshsub/1.1.0";
    public static final String PROTOCOL_V10 = "/meshsub/1.0.0";

    /** The protocols we speak, most preferred first. */
    public static final List<String> PROTOCOLS = List.of(PROTOCOL_V11, PROTOCOL_V10);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);
    private static final int EVENT_QUEUE = 4096;
    private static final int MAX_CONCURRENT_CONNECTS = 8;
    /** How many queued inputs the router handles before it sends what they produced. */
    private static final int ROUTER_BATCH = 64;

    /** An input for the router thread. */
    @FunctionalInterface
    private interface RouterTask {
        void run(GossipsubRouter router, long now);
    }

    private final Host host;
    private final GossipsubConfig config;
    private final GossipsubLimits limits;
    private final GossipsubRouter router;
    private final MessageValidator validator;
    private final OwnedThreads threads;
    private final BlockingQueue<RouterTask> inbox;
    private final BlockingQueue<Validation> validations;
    private final Map<PeerId, PeerLink> links = new ConcurrentHashMap<>();
    private final Set<Stream> inboundStreams = ConcurrentHashMap.newKeySet();
    private final Map<String, List<GossipsubSubscription>> subscriptions = new ConcurrentHashMap<>();
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final Semaphore connects = new Semaphore(MAX_CONCURRENT_CONNECTS);
    /** Bytes of received RPCs waiting in the inbox: readers wait for room, so a flood costs memory only so far. */
    private final Semaphore inboxBytes;

    private final ByteString selfBytes;
    private final AtomicLong seqno;
    private final AtomicLong rpcsMalformed = new AtomicLong();
    private final AtomicLong rpcsDropped = new AtomicLong();
    private final long epochNanos = System.nanoTime();
    /** Guards the subscription lists and the closed flag's transition; never held by the router thread. */
    private final ReentrantLock lifecycle = new ReentrantLock();

    private @Nullable AutoCloseable hostEvents;
    private volatile boolean closed;

    private Gossipsub(Host host, GossipsubConfig config, Random random) {
        this.host = host;
        this.config = config;
        this.limits = config.limits();
        this.router = new GossipsubRouter(host.peerId(), config, random, now());
        this.validator = new MessageValidator(config.signaturePolicy());
        this.threads = new OwnedThreads("gossipsub " + host.peerId().shortString());
        this.inbox = new ArrayBlockingQueue<>(limits.routerQueueSize());
        this.validations = new ArrayBlockingQueue<>(limits.validationQueueSize());
        this.inboxBytes = new Semaphore(limits.routerQueueBytes(), true);
        this.selfBytes = ByteString.copyFrom(host.peerId().bytes());
        // A wall-clock start keeps seqnos increasing across restarts, as go and js do.
        this.seqno = new AtomicLong(System.currentTimeMillis() * 1_000_000L);
    }

    /** Starts gossipsub on {@code host}: serves the protocols and attaches to every connected peer. */
    public static Gossipsub start(Host host, GossipsubConfig config) {
        return start(host, config, new Random());
    }

    static Gossipsub start(Host host, GossipsubConfig config, Random random) {
        Gossipsub gossipsub = new Gossipsub(host, config, random);
        gossipsub.begin();
        return gossipsub;
    }

    private void begin() {
        threads.start("gossipsub-router", this::routerLoop);
        for (int i = 0; i < limits.validationThreads(); i++) {
            threads.start("gossipsub-validate", this::validationLoop);
        }
        for (String protocol : PROTOCOLS) {
            host.setStreamHandler(protocol, this::serveInbound);
        }
        hostEvents = host.subscribe(this::onHostEvent);
        for (Multiaddr address : config.directPeers()) {
            PeerId peer = address.peerId().orElseThrow();
            host.peerstore().addAddresses(peer, List.of(address.withoutPeerId()), Peerstore.CONNECTED_TTL);
            connect(peer);
        }
        for (Connection connection : host.connections()) {
            attach(connection.remotePeer(), 0);
        }
    }

    private long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - epochNanos);
    }

    // ---- the application's API ----

    /** Subscribes to {@code topic}; read the messages from the returned subscription. */
    public GossipsubSubscription subscribe(String topic) {
        requireOpen();
        GossipsubSubscription subscription =
                new GossipsubSubscription(topic, limits.subscriptionQueueSize(), this::unsubscribed);
        // Under the lock, so the router hears of the first subscription and the last unsubscription
        // of a topic in the order they happened.
        lifecycle.lock();
        try {
            List<GossipsubSubscription> list = subscriptions.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
            list.add(subscription);
            if (list.size() == 1) {
                submit((r, now) -> r.subscribe(topic, now));
            }
        } finally {
            lifecycle.unlock();
        }
        return subscription;
    }

    /**
     * Subscribes to {@code topic} and calls {@code handler} with each message, in order, on a thread of
     * its own (so a slow handler only fills its own queue). Close the result to stop.
     */
    public GossipsubSubscription subscribe(String topic, Consumer<GossipsubMessage> handler) {
        GossipsubSubscription subscription = subscribe(topic);
        threads.start("gossipsub-deliver", () -> subscription.pump(handler));
        return subscription;
    }

    private void unsubscribed(GossipsubSubscription subscription) {
        String topic = subscription.topic();
        lifecycle.lock();
        try {
            List<GossipsubSubscription> list = subscriptions.get(topic);
            if (list == null || !list.remove(subscription) || !list.isEmpty()) {
                return;
            }
            subscriptions.remove(topic);
            if (!closed) {
                submit((r, now) -> r.unsubscribe(topic, now));
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Publishes {@code data} on {@code topic}, signed by this host under StrictSign.
     *
     * @return the message's id and how many peers it was sent to (0 when no peer is subscribed)
     * @throws IllegalArgumentException if the message would exceed {@link GossipsubLimits#maxRpcSize()}
     * @throws IllegalStateException if the same message was already published (StrictNoSign only)
     */
    public GossipsubRouter.PublishResult publish(String topic, byte[] data) {
        requireOpen();
        Message.Builder builder = Message.newBuilder().setTopic(topic).setData(ByteString.copyFrom(data));
        Long sequence = null;
        Message message;
        if (config.signaturePolicy() == SignaturePolicy.STRICT_SIGN) {
            sequence = seqno.incrementAndGet();
            builder.setFrom(selfBytes).setSeqno(MessageSigning.seqno(sequence));
            message = MessageSigning.sign(builder.build(), host::sign);
        } else {
            message = builder.build();
        }
        int size = RPC.newBuilder().addPublish(message).build().getSerializedSize();
        if (size > limits.maxRpcSize()) {
            throw new IllegalArgumentException("a message of " + data.length + " data bytes makes an RPC of " + size
                    + " bytes, over maxRpcSize (" + limits.maxRpcSize() + ")");
        }
        MessageId id = config.messageIdFunction().apply(message);
        PeerId self = host.peerId();
        GossipsubMessage local =
                new GossipsubMessage(id, topic, message.getData(), sequence == null ? null : self, sequence, self);
        GossipsubRouter.PublishResult result = query(r -> r.publish(message, local, now()));
        if (result.duplicate()) {
            throw new IllegalStateException("message " + id + " on '" + topic + "' was already published");
        }
        return result;
    }

    /**
     * Sets the validator of {@code topic}'s messages, replacing any other. Messages whose data exceeds
     * {@code maxDataLength} bytes are rejected (and their senders penalised) before it runs.
     */
    public void setValidator(String topic, int maxDataLength, GossipsubValidator topicValidator) {
        validator.setValidator(topic, topicValidator);
        submit((r, now) -> r.setMaxDataLength(topic, maxDataLength));
    }

    public void setValidator(String topic, GossipsubValidator topicValidator) {
        validator.setValidator(topic, topicValidator);
        submit((r, now) -> r.clearMaxDataLength(topic));
    }

    public void removeValidator(String topic) {
        validator.removeValidator(topic);
        submit((r, now) -> r.clearMaxDataLength(topic));
    }

    /** Calls {@code listener} with each router event on a thread of its own; close the result to stop. */
    public AutoCloseable onEvent(Consumer<GossipsubEvent> listener) {
        requireOpen();
        EventListener l = new EventListener(listener);
        listeners.add(l);
        l.thread = threads.start("gossipsub-events", l::run);
        return l;
    }

    /** The topics we are subscribed to. */
    public Set<String> subscriptions() {
        return query(GossipsubRouter::subscriptions);
    }

    /** Peers that told us they subscribed to {@code topic}. */
    public Set<PeerId> topicPeers(String topic) {
        return query(r -> r.topicPeers(topic));
    }

    /** Our mesh peers of {@code topic}. */
    public Set<PeerId> meshPeers(String topic) {
        return query(r -> r.meshPeers(topic));
    }

    /** Peers we exchange gossipsub RPCs with. */
    public Set<PeerId> peers() {
        return query(GossipsubRouter::peers);
    }

    public double score(PeerId peer) {
        return query(r -> r.score(peer));
    }

    public GossipsubStats stats() {
        return query(GossipsubRouter::stats).withShellCounters(rpcsMalformed.get(), rpcsDropped.get());
    }

    public PeerId peerId() {
        return host.peerId();
    }

    /** Threads this instance still owns (for shutdown tests). */
    public int liveThreadCount() {
        return threads.size();
    }

    // ---- the router thread ----

    private void submit(RouterTask task) {
        try {
            while (!inbox.offer(task, 100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for room for {@code size} bytes of RPC in the inbox; false once closed. */
    private boolean acquireInboxBytes(int size) throws InterruptedException {
        while (!inboxBytes.tryAcquire(size, 100, TimeUnit.MILLISECONDS)) {
            if (closed) {
                return false;
            }
        }
        return true;
    }

    /** Runs {@code question} on the router thread and waits for the answer. */
    private <T> T query(Function<GossipsubRouter, T> question) {
        requireOpen();
        CompletableFuture<T> answer = new CompletableFuture<>();
        submit((r, now) -> {
            try {
                answer.complete(question.apply(r));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        try {
            return answer.get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "the gossipsub router did not answer within " + QUERY_TIMEOUT + (closed ? " (it is closed)" : ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the gossipsub router", e);
        }
    }

    private void routerLoop() {
        List<RouterTask> batch = new ArrayList<>(ROUTER_BATCH);
        while (!closed) {
            try {
                long wait = Math.max(0, router.nextTick() - now());
                RouterTask first = inbox.poll(wait, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch, ROUTER_BATCH - 1);
                }
                long now = now();
                for (RouterTask task : batch) {
                    runSafely(task, now);
                }
                batch.clear();
                runSafely((r, t) -> r.tick(t), now);
                execute(router.drainActions());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void runSafely(RouterTask task, long now) {
        try {
            task.run(router, now);
        } catch (RuntimeException e) {
            log.error("gossipsub router failed on an input; it carries on", e);
        }
    }

    private void execute(List<RouterAction> actions) {
        for (RouterAction action : actions) {
            switch (action) {
                case RouterAction.Send send -> {
                    PeerLink link = links.get(send.peer());
                    if (link != null) {
                        link.enqueue(send.rpc());
                    }
                }
                case RouterAction.Validate validate -> {
                    if (!validations.offer(validate.validation())) {
                        router.validationRefused(validate.validation(), now());
                    }
                }
                case RouterAction.Deliver deliver -> {
                    List<GossipsubSubscription> subs =
                            subscriptions.getOrDefault(deliver.message().topic(), List.of());
                    for (GossipsubSubscription subscription : subs) {
                        subscription.offer(deliver.message());
                    }
                }
                case RouterAction.Connect connect -> connect(connect.peer());
                case RouterAction.Notify notify -> {
                    for (EventListener listener : listeners) {
                        listener.offer(notify.event());
                    }
                }
            }
        }
    }

    private void validationLoop() {
        while (!closed) {
            Validation validation;
            try {
                validation = validations.take();
            } catch (InterruptedException e) {
                return;
            }
            ValidationOutcome outcome = validator.validate(validation);
            submit((r, now) -> r.validated(validation, outcome, now));
        }
    }

    // ---- peers and streams ----

    private void onHostEvent(HostEvent event) {
        if (closed) {
            return;
        }
        switch (event) {
            case HostEvent.PeerConnected connected -> attach(connected.peer(), 0);
            case HostEvent.PeerDisconnected disconnected -> detach(disconnected.peer());
            default -> {}
        }
    }

    /** Makes sure we have (or are opening) our stream to {@code peer}. */
    private void attach(PeerId peer, int failures) {
        if (closed || peer.equals(host.peerId())) {
            return;
        }
        PeerLink link = new PeerLink(peer, limits.peerQueueBytes(), rpcsDropped);
        if (links.putIfAbsent(peer, link) != null) {
            return;
        }
        try {
            threads.start("gossipsub-writer", () -> runLink(link, failures));
        } catch (IllegalStateException closing) {
            links.remove(peer, link);
        }
    }

    private void runLink(PeerLink link, int failures) {
        PeerId peer = link.peer();
        Stream stream;
        try {
            // Only over a connection that exists: a peer that just left must not be dialed again.
            Connection existing = host.connections(peer).stream()
                    .filter(Connection::isOpen)
                    .findFirst()
                    .orElseThrow(() -> new IOException("no open connection"));
            stream = existing.newStream(PROTOCOLS);
        } catch (ProtocolNotSupportedException e) {
            log.debug("{} does not speak gossipsub", peer);
            unreachable(link);
            return;
        } catch (IOException | RuntimeException e) {
            log.debug("could not open a gossipsub stream to {}: {}", peer, e.getMessage());
            unreachable(link);
            return;
        }
        Connection connection = stream.connection();
        String protocol = stream.protocol();
        boolean outbound = connection.direction() == Direction.OUTBOUND;
        String ip = ipOf(connection.remoteAddress());
        submit((r, now) -> r.addPeer(peer, protocol, outbound, ip, now));
        try {
            threads.start("gossipsub-watch", () -> watch(link, stream));
        } catch (IllegalStateException closing) {
            link.close();
        }
        try {
            link.writeLoop(stream);
        } catch (IOException e) {
            if (!closed && !link.isClosed()) {
                log.debug("gossipsub stream to {} failed: {}", peer, e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            link.close();
            links.remove(peer, link);
        }
        if (closed || link.isClosedByDetach()) {
            return;
        }
        if (!host.connections(peer).isEmpty() && failures < 3) {
            // Another connection remains (go does the same): keep the peer and open a fresh stream.
            attach(peer, failures + 1);
        } else {
            submit((r, now) -> r.removePeer(peer, now));
        }
    }

    /**
     * Notices when the peer closes or resets our stream (it never writes on it), so a peer that stops
     * serving gossipsub is dropped even while we have nothing to send it.
     */
    private void watch(PeerLink link, Stream stream) {
        try {
            stream.setReadTimeout(Duration.ZERO);
            if (stream.in().read() >= 0) {
                log.debug("{} wrote on our gossipsub stream, which only we write on; closing it", link.peer());
            }
        } catch (IOException e) {
            // reset by the peer, or closed by us
        } finally {
            link.close();
        }
    }

    /**
     * We cannot open our stream to the peer (it does not, or no longer, speak gossipsub): it is no peer
     * of ours, even if its own stream to us is open, since we could never answer it.
     */
    private void unreachable(PeerLink link) {
        links.remove(link.peer(), link);
        PeerId peer = link.peer();
        submit((r, now) -> r.removePeer(peer, now));
    }

    private void detach(PeerId peer) {
        PeerLink link = links.remove(peer);
        if (link != null) {
            link.detach();
        }
        submit((r, now) -> r.removePeer(peer, now));
    }

    private static @Nullable String ipOf(Multiaddr address) {
        return address.valueOf(MultiaddrProtocol.IP4)
                .or(() -> address.valueOf(MultiaddrProtocol.IP6))
                .orElse(null);
    }

    /** Serves a peer's stream to us: reads its RPCs until it ends. Runs on the host's handler thread. */
    private void serveInbound(Stream stream) throws IOException, InterruptedException {
        if (closed) {
            stream.reset();
            return;
        }
        PeerId peer = stream.remotePeer();
        Connection connection = stream.connection();
        String protocol = stream.protocol();
        boolean outbound = connection.direction() == Direction.OUTBOUND;
        String ip = ipOf(connection.remoteAddress());
        submit((r, now) -> r.addPeer(peer, protocol, outbound, ip, now));
        attach(peer, 0);
        inboundStreams.add(stream);
        try {
            stream.setReadTimeout(Duration.ZERO);
            while (!closed) {
                Optional<byte[]> bytes = LengthPrefixed.read(stream.in(), limits.maxRpcSize());
                if (bytes.isEmpty()) {
                    return; // the peer closed its stream
                }
                RPC rpc = RpcCodec.decode(bytes.get(), limits);
                int size = bytes.get().length;
                if (!acquireInboxBytes(size)) {
                    return;
                }
                submit((r, now) -> {
                    try {
                        r.handleRpc(peer, rpc, now);
                    } finally {
                        inboxBytes.release(size);
                    }
                });
            }
        } catch (ProtocolViolationException e) {
            rpcsMalformed.incrementAndGet();
            log.info("closing the gossipsub stream from {}: {}", peer, e.getMessage());
            stream.reset();
        } finally {
            inboundStreams.remove(stream);
        }
    }

    /** Dials a peer in the background, at most a few at once; skipped when that many are under way. */
    private void connect(PeerId peer) {
        if (closed || !connects.tryAcquire()) {
            return;
        }
        try {
            threads.start("gossipsub-connect", () -> {
                try {
                    host.connect(peer);
                } catch (IOException | RuntimeException e) {
                    log.debug("could not connect to {}: {}", peer, e.getMessage());
                } finally {
                    connects.release();
                }
            });
        } catch (IllegalStateException closing) {
            connects.release();
        }
    }

    // ---- lifecycle ----

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("gossipsub is closed");
        }
    }

    /**
     * Stops serving gossipsub: closes our streams (peers read their end), ends the peers' streams to
     * us, stops every thread and closes every subscription. Idempotent; the host stays open.
     */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lifecycle.unlock();
        }
        for (String protocol : PROTOCOLS) {
            host.removeStreamHandler(protocol);
        }
        AutoCloseable events = hostEvents;
        if (events != null) {
            try {
                events.close();
            } catch (Exception e) {
                log.debug("closing the host event subscription failed: {}", e.getMessage());
            }
        }
        links.values().forEach(PeerLink::close);
        links.clear();
        inboundStreams.forEach(Stream::reset);
        listeners.forEach(EventListener::close);
        subscriptions.values().forEach(list -> list.forEach(GossipsubSubscription::close));
        if (!threads.closeAndJoin(CLOSE_TIMEOUT)) {
            log.warn("gossipsub on {} closed with threads still running", host.peerId());
        }
    }

    /** An event listener with its own bounded queue and thread; a slow one loses events (counted). */
    private final class EventListener implements AutoCloseable {
        final Consumer<GossipsubEvent> consumer;
        final BlockingQueue<GossipsubEvent> queue = new ArrayBlockingQueue<>(EVENT_QUEUE);
        final AtomicLong dropped = new AtomicLong();
        volatile @Nullable Thread thread;
        volatile boolean stopped;

        EventListener(Consumer<GossipsubEvent> consumer) {
            this.consumer = consumer;
        }

        void offer(GossipsubEvent event) {
            if (!queue.offer(event)) {
                long lost = dropped.incrementAndGet();
                if (Long.bitCount(lost) == 1) {
                    log.warn("a gossipsub event listener is too slow: {} events dropped so far", lost);
                }
            }
        }

        void run() {
            try {
                while (!stopped) {
                    GossipsubEvent event = queue.take();
                    try {
                        consumer.accept(event);
                    } catch (RuntimeException e) {
                        log.warn("a gossipsub event listener failed on {}", event, e);
                    }
                }
            } catch (InterruptedException e) {
                // closed
            }
        }

        @Override
        public void close() {
            stopped = true;
            listeners.remove(this);
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "Gossipsub[" + host.peerId() + "]";
    }
}
