package io.servent.apps.files;

import io.servent.apps.files.proto.BlockExchangeProto;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /servent/blocks/1.0.0}, the serving side: answers wants with verified blocks from a {@link
 * BlockProvider} (shares with their access lists, the block store, downloads in progress), bitfields
 * and PEX from {@link Roots}, and pushes announcements of newly verified leaves to every stream that
 * asked for a root's bitfield, so content spreads outward while it is still downloading.
 *
 * <p>Per stream: the handler thread reads requests into a bounded want queue; a sender thread serves
 * the queue in order (cancels remove queued wants) and flushes announcements. Per peer: at most
 * {@link BlockExchangeConfig#maxStreamsPerPeer} streams, wants paced to {@link
 * BlockExchangeConfig#wantsPerSecondPerPeer}, and upload paced by per-peer and global token buckets.
 * A malformed or oversize message is logged once and the stream reset. A block the requester may not
 * have reads as "don't have", like one that does not exist.
 *
 * <p>Thread-safe.
 */
public final class BlockExchange implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BlockExchange.class);

    public static final String PROTOCOL_ID = "/servent/blocks/1.0.0";

    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);
    static final int SENDERS_PER_STREAM = 2;
    private static final int MAX_TRACKED_PEERS = 10_000;

    /** What the serving side knows about roots beyond single blocks: bitfields, sources, interest. */
    interface Roots {
        /** Which leaves of {@code root} are here for {@code requester}; empty if none. */
        Optional<BlockExchangeCodec.Bitfield> bitfield(Cid root, PeerId requester) throws IOException;

        /** Peers known to hold (some of) {@code root}, for PEX (bounded by the caller). */
        List<BlockExchangeCodec.PeerInfo> sources(Cid root, PeerId requester);

        /** {@code peer} asked about {@code root}: it is downloading it, so soon a source itself. */
        void interested(Cid root, PeerId peer);
    }

    /** Roots as plain block serving knows them: a root we can serve is complete, nothing else is known. */
    static Roots plainRoots(BlockProvider provider) {
        return new Roots() {
            @Override
            public Optional<BlockExchangeCodec.Bitfield> bitfield(Cid root, PeerId requester) throws IOException {
                return provider.has(root, requester)
                        ? Optional.of(new BlockExchangeCodec.Bitfield(root, true, 0, new java.util.BitSet()))
                        : Optional.empty();
            }

            @Override
            public List<BlockExchangeCodec.PeerInfo> sources(Cid root, PeerId requester) {
                return List.of();
            }

            @Override
            public void interested(Cid root, PeerId peer) {}
        };
    }

    private final Host host;
    private final BlockProvider provider;
    private final Roots roots;
    private final BlockExchangeConfig config;
    private final SwarmTokenBucket upload;
    private final Map<PeerId, PeerLimits> peers = new ConcurrentHashMap<>();
    private final Map<Cid, Set<Session>> subscribers = new ConcurrentHashMap<>();
    private final LongAdder blocksServed = new LongAdder();
    private final LongAdder bytesServed = new LongAdder();

    /** Serves {@code provider}'s blocks; roots it can serve are announced as complete. */
    public BlockExchange(Host host, BlockProvider provider) {
        this(host, provider, plainRoots(provider), BlockExchangeConfig.defaults());
    }

    BlockExchange(Host host, BlockProvider provider, Roots roots, BlockExchangeConfig config) {
        this.host = host;
        this.provider = provider;
        this.roots = roots;
        this.config = config;
        this.upload = config.uploadBytesPerSecond() == SwarmTokenBucket.UNLIMITED
                ? SwarmTokenBucket.unlimited()
                : new SwarmTokenBucket(
                        config.uploadBytesPerSecond(),
                        Math.max(UnixFs.MAX_BLOCK_SIZE, config.uploadBytesPerSecond() / 4));
        host.setStreamHandler(PROTOCOL_ID, this::serve);
    }

    public long blocksServed() {
        return blocksServed.sum();
    }

    public long bytesServed() {
        return bytesServed.sum();
    }

    /** Tells every stream that asked about {@code root} that leaf {@code index} is now here. */
    void announce(Cid root, int index) {
        Set<Session> sessions = subscribers.get(root);
        if (sessions != null) {
            for (Session s : sessions) {
                s.announce(root, index);
            }
        }
    }

    private void serve(Stream stream) throws IOException {
        PeerId peer = stream.remotePeer();
        if (peers.size() > MAX_TRACKED_PEERS) {
            peers.values().removeIf(p -> p.streams.get() == 0);
        }
        PeerLimits limits = peers.computeIfAbsent(peer, p -> new PeerLimits());
        if (limits.streams.incrementAndGet() > config.maxStreamsPerPeer()) {
            limits.streams.decrementAndGet();
            log.info("blocks: {} opened more than {} block streams; reset one", peer, config.maxStreamsPerPeer());
            stream.reset();
            return;
        }
        Session session = new Session(stream, limits);
        try {
            session.run();
        } finally {
            limits.streams.decrementAndGet();
            session.unsubscribe();
        }
    }

    private final class PeerLimits {
        final AtomicInteger streams = new AtomicInteger();
        final SwarmTokenBucket wants =
                new SwarmTokenBucket(config.wantsPerSecondPerPeer(), Math.max(1, config.wantsPerSecondPerPeer() / 2));
        final SwarmTokenBucket upload = config.uploadBytesPerSecondPerPeer() == SwarmTokenBucket.UNLIMITED
                ? SwarmTokenBucket.unlimited()
                : new SwarmTokenBucket(
                        config.uploadBytesPerSecondPerPeer(),
                        Math.max(UnixFs.MAX_BLOCK_SIZE, config.uploadBytesPerSecondPerPeer() / 4));
    }

    /** One inbound stream: the handler thread reads, a sender thread writes. */
    private final class Session {
        private final Stream stream;
        private final PeerId peer;
        private final PeerLimits limits;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        /** Queued wants in arrival order; the value says whether only a have/don't-have is wanted. */
        private final LinkedHashMap<Cid, Boolean> wants = new LinkedHashMap<>();

        /** Leaves announced since the last flush, per subscribed root (guarded by lock). */
        private final Map<Cid, List<Integer>> announced = new LinkedHashMap<>();
        /** Roots this stream asked about; written by the reader, read on unsubscribe. */
        private final List<Cid> subscribed = new java.util.concurrent.CopyOnWriteArrayList<>();

        private boolean closed;

        Session(Stream stream, PeerLimits limits) {
            this.stream = stream;
            this.peer = stream.remotePeer();
            this.limits = limits;
        }

        void run() throws IOException {
            stream.setReadTimeout(config.idleTimeout());
            stream.setWriteTimeout(WRITE_TIMEOUT);
            // Two senders per stream: one reads and verifies the next block while the other writes,
            // so a single downloader's pipeline keeps both cores busy (responses may come in any order).
            List<Thread> sender = new ArrayList<>();
            for (int i = 0; i < SENDERS_PER_STREAM; i++) {
                sender.add(Thread.ofVirtual()
                        .name("blocks-sender-" + stream.id() + "-" + i)
                        .start(this::send));
            }
            try {
                while (true) {
                    Optional<byte[]> bytes = LengthPrefixed.read(stream.in(), BlockExchangeCodec.MAX_REQUEST_BYTES);
                    if (bytes.isEmpty()) {
                        break;
                    }
                    handle(BlockExchangeCodec.decodeRequest(bytes.get()));
                }
                finish(sender, false);
            } catch (ProtocolViolationException e) {
                log.info("blocks: rejected a request from {}: {}", peer, e.getMessage());
                finish(sender, true);
            } catch (IOException | RuntimeException e) {
                log.debug("blocks: stream from {} ended: {}", peer, e.toString());
                finish(sender, true);
            }
        }

        private void handle(BlockExchangeCodec.Request request) throws IOException {
            int asked = request.wantBlock().size() + request.wantHave().size();
            if (asked > 0) {
                limits.wants.acquire(asked);
            }
            if (request.bitfield().isPresent()) {
                Cid root = request.bitfield().get();
                roots.interested(root, peer);
                Optional<BlockExchangeCodec.Bitfield> bitfield = roots.bitfield(root, peer);
                subscribe(root);
                write(BlockExchangeCodec.encode(
                        bitfield.orElse(new BlockExchangeCodec.Bitfield(root, false, 0, new java.util.BitSet()))));
            }
            if (request.pex().isPresent()) {
                Cid root = request.pex().get();
                List<BlockExchangeCodec.PeerInfo> sources = roots.sources(root, peer).stream()
                        .filter(p -> !p.peer().equals(peer))
                        .limit(BlockExchangeCodec.MAX_PEX_PEERS)
                        .toList();
                write(BlockExchangeCodec.encode(new BlockExchangeCodec.Peers(root, sources)));
            }
            lock.lock();
            try {
                for (Cid c : request.cancel()) {
                    wants.remove(c);
                }
                for (Cid c : request.wantBlock()) {
                    wants.put(c, Boolean.FALSE);
                }
                for (Cid c : request.wantHave()) {
                    wants.putIfAbsent(c, Boolean.TRUE);
                }
                if (wants.size() > config.maxQueuedWants()) {
                    throw new ProtocolViolationException(
                            "more than " + config.maxQueuedWants() + " wants queued on one stream");
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void subscribe(Cid root) {
            if (subscribed.contains(root)) {
                return;
            }
            if (subscribed.size() >= 4) {
                return; // a stream serves one download; a few roots are plenty
            }
            subscribed.add(root);
            subscribers
                    .computeIfAbsent(root, r -> ConcurrentHashMap.newKeySet())
                    .add(this);
        }

        void unsubscribe() {
            for (Cid root : subscribed) {
                subscribers.computeIfPresent(root, (r, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
        }

        void announce(Cid root, int index) {
            lock.lock();
            try {
                List<Integer> list = announced.computeIfAbsent(root, r -> new ArrayList<>());
                if (list.size() < BlockExchangeCodec.MAX_ANNOUNCED) {
                    list.add(index); // beyond that the peer learns the rest from its next bitfield
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** A sender: serves queued wants one at a time and flushes announcements in between. */
        private void send() {
            try {
                while (true) {
                    @Nullable Cid cid;
                    boolean haveOnly;
                    Map<Cid, List<Integer>> haves;
                    lock.lock();
                    try {
                        while (!closed && wants.isEmpty() && announced.isEmpty()) {
                            changed.await();
                        }
                        if (closed && wants.isEmpty()) {
                            return;
                        }
                        haves = new LinkedHashMap<>(announced);
                        announced.clear();
                        if (wants.isEmpty()) {
                            cid = null;
                            haveOnly = false;
                        } else {
                            Map.Entry<Cid, Boolean> first =
                                    wants.entrySet().iterator().next();
                            wants.remove(first.getKey());
                            cid = first.getKey();
                            haveOnly = first.getValue();
                        }
                    } finally {
                        lock.unlock();
                    }
                    for (Map.Entry<Cid, List<Integer>> e : haves.entrySet()) {
                        write(BlockExchangeCodec.encode(new BlockExchangeCodec.HaveLeaves(e.getKey(), e.getValue())));
                    }
                    if (cid != null) {
                        serveOne(cid, haveOnly);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                log.debug("blocks: sending to {} failed: {}", peer, e.toString());
                stream.reset();
            }
        }

        private void serveOne(Cid cid, boolean haveOnly) throws IOException {
            if (haveOnly) {
                boolean has = provider.has(cid, peer);
                write(BlockExchangeCodec.encodeHaves(has ? List.of(cid) : List.of(), has ? List.of() : List.of(cid)));
                return;
            }
            Optional<Block> block = provider.block(cid, peer);
            if (block.isEmpty()) {
                write(BlockExchangeCodec.encodeHaves(List.of(), List.of(cid)));
                return;
            }
            limits.upload.acquire(block.get().size());
            upload.acquire(block.get().size());
            writeBlock(block.get());
            blocksServed.increment();
            bytesServed.add(block.get().size());
        }

        private final ReentrantLock writeLock = new ReentrantLock();

        /** A block goes from its array to the stream without an encoded copy of the whole message. */
        private void writeBlock(Block block) throws IOException {
            BlockExchangeProto.BlockResponse message = BlockExchangeCodec.blockMessage(block);
            writeLock.lock();
            try {
                message.writeDelimitedTo(stream.out()); // a varint length, as LengthPrefixed writes
                stream.out().flush();
            } finally {
                writeLock.unlock();
            }
        }

        private void write(byte[] message) throws IOException {
            writeLock.lock();
            try {
                LengthPrefixed.write(stream.out(), message);
                stream.out().flush();
            } finally {
                writeLock.unlock();
            }
        }

        /** Lets the sender drain what was asked (or stops it at once on a reset) and waits for it. */
        private void finish(List<Thread> senders, boolean reset) {
            lock.lock();
            try {
                closed = true;
                if (reset) {
                    wants.clear();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (reset) {
                stream.reset();
            }
            long deadline =
                    System.nanoTime() + Duration.ofSeconds(reset ? 5 : 120).toNanos();
            for (Thread sender : senders) {
                try {
                    long left = Math.max(1, deadline - System.nanoTime());
                    if (!sender.join(Duration.ofNanos(left))) {
                        sender.interrupt();
                        stream.reset();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stream.reset();
                }
            }
            if (!reset) {
                try {
                    stream.closeWrite();
                } catch (IOException e) {
                    log.debug("blocks: close-write to {} failed: {}", peer, e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        host.removeStreamHandler(PROTOCOL_ID);
    }
}
