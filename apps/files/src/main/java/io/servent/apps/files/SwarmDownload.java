package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Peerstore;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One download while it runs: learns the leaf list from the verified DAG, swarms the leaves from
 * many providers into a partial file next to the destination ({@code .<name>.<id>.part}), records
 * each verified leaf in the database once it is durable, serves verified leaves to others and
 * announces them, and on completion renames the partial file into place (never over an existing
 * file).
 *
 * <p>A runner thread is the controller (connects peers, notices stalls, persists progress,
 * publishes snapshots); one reader thread per peer handles that peer's responses. A bad block bans
 * the peer; a stalled or vanished peer's requests go to others. A full disk pauses the download with
 * an error and keeps everything.
 *
 * <p>Thread-safe: state is guarded by {@link #lock}; no I/O is done while holding it except the
 * in-memory scheduler.
 */
final class SwarmDownload {
    private static final Logger log = LoggerFactory.getLogger(SwarmDownload.class);
    private static final long PERSIST_NANOS = 1_000_000_000L;
    private static final long PUBLISH_NANOS = 500_000_000L;
    private static final int MAX_CANDIDATES = 500;
    private static final int MAX_PEER_FAILURES = 5;
    private static final int WRITE_QUEUE = 32;

    /** The disk is full: the download pauses and keeps what it has. */
    static final class DiskFullException extends IOException {
        DiskFullException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    final long id;
    final Cid root;
    final String name;
    final Path directory;
    final boolean sequential;
    private final Downloads owner;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private DownloadState state;
    private @Nullable String error;
    private @Nullable Path path;
    private long size;
    private List<UnixFsLeaf> leaves = List.of();
    private Map<Cid, int[]> indexesByCid = Map.of();
    private @Nullable SwarmScheduler scheduler;
    private final Map<PeerId, SwarmPeer> peers = new HashMap<>();
    private final LinkedHashSet<PeerId> candidates = new LinkedHashSet<>();
    private final Set<PeerId> sources = new HashSet<>();
    private final Set<PeerId> banned = new HashSet<>();
    private final Map<PeerId, Long> retryAt = new HashMap<>();
    private final Map<PeerId, Integer> failures = new HashMap<>();
    private final List<Integer> pendingDone = new ArrayList<>();
    private long bytesDone;
    private boolean stopping;
    private @Nullable IOException peerFailure;
    private @Nullable Thread runner;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private boolean diskPaused;
    private long duplicates;
    private long startedNanos = System.nanoTime();
    private final Map<PeerId, Long> blocksFrom = new HashMap<>();

    private volatile @Nullable FileChannel part;

    /** A verified leaf's bytes waiting for the writer, and the leaf indexes they fill. */
    private static final class PendingWrite {
        final byte[] bytes;
        final List<Integer> indexes;

        PendingWrite(byte[] bytes, List<Integer> indexes) {
            this.bytes = bytes;
            this.indexes = indexes;
        }

        byte[] bytes() {
            return bytes;
        }

        List<Integer> indexes() {
            return indexes;
        }
    }

    /**
     * Leaves written by one platform thread, so the network never waits on the disk (a write may
     * stall for 100 ms while the file system commits a sync); bounded, so a slow disk slows the readers.
     */
    private final ArrayBlockingQueue<PendingWrite> writes = new ArrayBlockingQueue<>(WRITE_QUEUE);

    private @Nullable Thread writer;
    // Guarded by lock: leaves whose bytes are in the partial file (served, announced, persisted).
    private final BitSet written = new BitSet();
    /** The stream of a DAG node request in flight, reset by {@link #stop} so stopping never waits on it. */
    private volatile @Nullable Stream nodeRequest;

    SwarmDownload(Downloads owner, DownloadStore.Row row) {
        this.owner = owner;
        this.id = row.id();
        this.root = row.root();
        this.name = row.name();
        this.directory = row.directory();
        this.sequential = row.sequential();
        // A download that was running when the node stopped waits in the queue to run again.
        this.state = row.state() == DownloadState.RUNNING ? DownloadState.QUEUED : row.state();
        this.error = row.error().orElse(null);
        this.path = row.path().orElse(null);
        this.size = row.size();
    }

    Host host() {
        return owner.host();
    }

    Path partFile() {
        return directory.resolve("." + name + "." + id + ".part");
    }

    DownloadState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    boolean diskPaused() {
        lock.lock();
        try {
            return diskPaused && state == DownloadState.PAUSED;
        } finally {
            lock.unlock();
        }
    }

    DownloadInfo info() {
        lock.lock();
        try {
            long speed = speed();
            long remaining = size < 0 ? -1 : size - bytesDone;
            OptionalLong eta = speed > 0 && remaining >= 0 && state == DownloadState.RUNNING
                    ? OptionalLong.of((remaining + speed - 1) / speed)
                    : OptionalLong.empty();
            return new DownloadInfo(
                    id,
                    root,
                    name,
                    size,
                    bytesDone,
                    state,
                    state == DownloadState.RUNNING ? speed : 0,
                    eta,
                    sources.size(),
                    peers.size(),
                    Optional.ofNullable(error),
                    Optional.ofNullable(path),
                    sequential,
                    directory);
        } finally {
            lock.unlock();
        }
    }

    /** Bytes per second over the last samples (taken every publish). */
    private long speed() {
        if (samples.size() < 2) {
            return 0;
        }
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        long nanos = last[0] - first[0];
        return nanos <= 0 ? 0 : (long) ((last[1] - first[1]) * 1e9 / nanos);
    }

    /** Starts (or restarts) the runner; the state becomes running. */
    void start() throws IOException {
        lock.lock();
        try {
            if (runner != null) {
                return;
            }
            state = DownloadState.RUNNING;
            error = null;
            diskPaused = false;
            stopping = false;
            peerFailure = null;
            samples.clear();
            startedNanos = System.nanoTime();
            samples.addLast(new long[] {startedNanos, bytesDone}); // so the first progress report has a speed
            Thread t = Thread.ofVirtual().name("download-" + id).unstarted(this::run);
            runner = t;
            t.start();
        } finally {
            lock.unlock();
        }
        owner.store().setState(id, DownloadState.RUNNING, null, null);
    }

    /** Stops the runner (flushing progress) and waits for it; the state becomes {@code next}. */
    void stop(DownloadState next) {
        Thread t;
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
            t = runner;
            Stream pending = nodeRequest;
            if (pending != null) {
                pending.reset();
            }
            if (state == DownloadState.RUNNING) {
                state = next;
            }
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sets the state of a download that is not running (pause, resume into the queue). */
    void markStopped(DownloadState next) {
        lock.lock();
        try {
            if (runner == null) {
                state = next;
                error = null;
                diskPaused = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A peer asked about our root, or PEX named it: worth trying as a source. */
    void addCandidate(PeerId peer) {
        if (peer.equals(host().peerId())) {
            return;
        }
        lock.lock();
        try {
            if (candidates.size() < MAX_CANDIDATES && !banned.contains(peer)) {
                candidates.add(peer);
                retryAt.remove(peer);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Our verified leaves of the root, for other downloaders; empty before the DAG is known. */
    Optional<BlockExchangeCodec.Bitfield> bitfield() {
        lock.lock();
        try {
            SwarmScheduler s = scheduler;
            if (state == DownloadState.DONE) {
                return Optional.of(new BlockExchangeCodec.Bitfield(root, true, 0, new BitSet()));
            }
            if (s == null) {
                return Optional.empty();
            }
            return Optional.of(new BlockExchangeCodec.Bitfield(root, false, s.leaves(), (BitSet) written.clone()));
        } finally {
            lock.unlock();
        }
    }

    /** Peers that have (some of) the root, with their addresses, for PEX. */
    List<BlockExchangeCodec.PeerInfo> sources() {
        List<PeerId> known;
        lock.lock();
        try {
            known = new ArrayList<>(sources);
        } finally {
            lock.unlock();
        }
        Peerstore store = host().peerstore();
        List<BlockExchangeCodec.PeerInfo> out = new ArrayList<>();
        for (PeerId p : known) {
            List<io.servent.p2p.api.Multiaddr> addrs = store.addresses(p).stream()
                    .filter(a -> a.bytes().length <= io.servent.p2p.api.Multiaddr.MAX_LENGTH)
                    .limit(BlockExchangeCodec.MAX_PEX_ADDRS)
                    .toList();
            if (!addrs.isEmpty()) {
                out.add(new BlockExchangeCodec.PeerInfo(p, addrs));
            }
            if (out.size() >= BlockExchangeCodec.MAX_PEX_PEERS) {
                break;
            }
        }
        return out;
    }

    /** A verified leaf we hold (in the partial file), for serving while downloading. */
    Optional<Block> serve(Cid cid) throws IOException {
        UnixFsLeaf leaf = null;
        lock.lock();
        try {
            SwarmScheduler s = scheduler;
            int[] indexes = indexesByCid.get(cid);
            if (s == null || indexes == null) {
                return Optional.empty();
            }
            for (int i : indexes) {
                if (written.get(i)) {
                    leaf = leaves.get(i);
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        FileChannel channel = part;
        if (leaf == null || channel == null || cid.codec() != Cid.RAW) {
            return Optional.empty();
        }
        byte[] data = new byte[leaf.length()];
        try {
            readFully(channel, data, leaf.offset());
            return Optional.of(Block.verify(cid, data));
        } catch (BlockVerificationException e) {
            log.warn("download {}: partial file holds a corrupt copy of {}", id, cid);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // closed under us (finished or paused): the caller looks elsewhere
        }
    }

    // ---------------------------------------------------------------- runner

    private void run() {
        @Nullable DownloadState end = DownloadState.PAUSED;
        @Nullable String endError = null;
        @Nullable Path endPath = null;
        try {
            resolveLeaves();
            openPart();
            swarm();
            endPath = finish();
            end = DownloadState.DONE;
        } catch (StoppedException e) {
            end = null;
        } catch (DiskFullException e) {
            log.warn("download {} ({}): paused: {}", id, name, e.getMessage());
            endError = e.getMessage();
            lock.lock();
            try {
                diskPaused = true;
            } finally {
                lock.unlock();
            }
        } catch (IOException | RuntimeException e) {
            if (isStopping()) {
                end = null;
            } else {
                log.warn("download {} ({}): failed: {}", id, name, e.toString());
                end = DownloadState.FAILED;
                endError = "The download failed: " + e.getMessage();
            }
        } finally {
            closePeers();
            stopWriter();
            try {
                persistDone();
            } catch (IOException e) {
                log.warn("download {}: cannot record progress: {}", id, e.getMessage());
            }
            closePart();
        }
        DownloadState finalState;
        lock.lock();
        try {
            if (end != null) {
                state = end;
                error = endError;
                path = endPath;
            }
            finalState = state;
            runner = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            owner.store().setState(id, finalState, endError, endPath);
        } catch (IOException e) {
            log.warn("download {}: cannot record state {}: {}", id, finalState, e.getMessage());
        }
        owner.stopped(this);
    }

    private static final class StoppedException extends IOException {
        StoppedException() {
            super("stopped");
        }
    }

    private boolean isStopping() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    private void checkStopping() throws StoppedException {
        if (isStopping()) {
            throw new StoppedException();
        }
    }

    /** The leaf list: from the database, or learned from the verified DAG fetched from providers. */
    private void resolveLeaves() throws IOException {
        List<UnixFsLeaf> list = owner.store().leaves(id);
        if (list.isEmpty()) {
            askProviders();
            list = UnixFsDag.leaves(root, this::fetchNode, BlockExchangeCodec.MAX_LEAVES);
            long total = list.isEmpty() ? 0 : list.get(list.size() - 1).end();
            owner.store().setLeaves(id, list, total);
        }
        BitSet done = owner.store().done(id);
        Map<Cid, int[]> byCid = new HashMap<>();
        long doneBytes = 0;
        for (int i = 0; i < list.size(); i++) {
            UnixFsLeaf leaf = list.get(i);
            int[] old = byCid.get(leaf.cid());
            int[] now = old == null ? new int[] {i} : java.util.Arrays.copyOf(old, old.length + 1);
            now[now.length - 1] = i;
            byCid.put(leaf.cid(), now);
            if (done.get(i)) {
                doneBytes += leaf.length();
            }
        }
        lock.lock();
        try {
            leaves = List.copyOf(list);
            indexesByCid = byCid;
            size = list.isEmpty() ? 0 : list.get(list.size() - 1).end();
            bytesDone = doneBytes;
            scheduler = new SwarmScheduler(list.size(), done, sequential, new SplittableRandom());
            written.clear();
            written.or(done);
        } finally {
            lock.unlock();
        }
        owner.publish(info());
    }

    private void askProviders() {
        try {
            for (PeerId p : owner.providers().providers(root)) {
                addCandidate(p);
            }
        } catch (IOException | RuntimeException e) {
            log.info("download {}: provider lookup failed: {}", id, e.toString());
        }
    }

    /**
     * One DAG node (or a root that is a single raw leaf): from the block store, else from the first
     * candidate that has it, verified and stored. Waits for candidates while there are none.
     */
    private Block fetchNode(Cid cid) throws IOException {
        Optional<Block> local = owner.blocks().get(cid);
        if (local.isPresent()) {
            return local.get();
        }
        long lastAsk = System.nanoTime();
        while (true) {
            checkStopping();
            List<PeerId> tryNow;
            lock.lock();
            try {
                tryNow = new ArrayList<>(candidates);
                tryNow.removeAll(banned);
            } finally {
                lock.unlock();
            }
            for (PeerId p : tryNow) {
                checkStopping();
                Optional<Block> block = fetchNodeFrom(p, cid);
                if (block.isPresent()) {
                    owner.blocks().put(block.get());
                    return block.get();
                }
            }
            lock.lock();
            try {
                changed.await(owner.config().retryDelay().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoppedException();
            } finally {
                lock.unlock();
            }
            if (System.nanoTime() - lastAsk > owner.config().providerRefresh().toNanos()) {
                askProviders();
                lastAsk = System.nanoTime();
            }
        }
    }

    private Optional<Block> fetchNodeFrom(PeerId peer, Cid cid) {
        Stream stream = null;
        try {
            stream = host().newStream(peer, BlockExchange.PROTOCOL_ID);
            nodeRequest = stream;
            if (isStopping()) {
                return Optional.empty();
            }
            stream.setReadTimeout(owner.config().requestTimeout());
            stream.setWriteTimeout(owner.config().requestTimeout());
            LengthPrefixed.write(
                    stream.out(), BlockExchangeCodec.encode(BlockExchangeCodec.Request.wantBlocks(List.of(cid))));
            stream.out().flush();
            stream.closeWrite();
            while (true) {
                Optional<byte[]> bytes = LengthPrefixed.read(stream.in(), BlockExchangeCodec.MAX_RESPONSE_BYTES);
                if (bytes.isEmpty()) {
                    return Optional.empty();
                }
                BlockExchangeCodec.Response r = BlockExchangeCodec.decodeResponse(bytes.get());
                if (r.dontHave().contains(cid)) {
                    return Optional.empty();
                }
                if (r.block().isPresent() && r.block().get().cid().equals(cid)) {
                    try {
                        return Optional.of(Block.verify(cid, r.block().get().data()));
                    } catch (BlockVerificationException e) {
                        ban(peer, "sent a corrupt copy of node " + cid);
                        return Optional.empty();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("download {}: node {} from {} failed: {}", id, cid, peer, e.toString());
            return Optional.empty();
        } finally {
            nodeRequest = null;
            if (stream != null) {
                stream.reset();
            }
        }
    }

    private void openPart() throws IOException {
        Files.createDirectories(directory);
        FileChannel channel = FileChannel.open(
                partFile(), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        part = channel;
        startWriter();
        recheckUnrecorded(channel);
        // Leaves that arrived before (e.g. a single-leaf root fetched as a node) are used, not refetched.
        List<Integer> local = new ArrayList<>();
        lock.lock();
        try {
            SwarmScheduler s = scheduler;
            for (int i = 0; s != null && i < leaves.size(); i++) {
                if (!s.isDone(i) && owner.blocks().has(leaves.get(i).cid())) {
                    local.add(i);
                }
            }
        } finally {
            lock.unlock();
        }
        for (int i : local) {
            Optional<Block> block = owner.blocks().get(leaves.get(i).cid());
            if (block.isPresent()) {
                accept(null, block.get());
            }
        }
    }

    /**
     * After a crash, leaves that were written but not yet recorded as done (progress is recorded
     * once a second) are still in the partial file: those whose bytes hash to their CID count as
     * done, so a kill -9 costs no verified block, like a torrent client's recheck on resume.
     */
    private void recheckUnrecorded(FileChannel channel) throws IOException {
        long length = channel.size();
        List<UnixFsLeaf> candidates = new ArrayList<>();
        lock.lock();
        try {
            SwarmScheduler s = scheduler;
            for (int i = 0; s != null && i < leaves.size(); i++) {
                UnixFsLeaf leaf = leaves.get(i);
                if (!s.isDone(i) && leaf.cid().codec() == Cid.RAW && leaf.length() > 0 && leaf.end() <= length) {
                    candidates.add(leaf);
                }
            }
        } finally {
            lock.unlock();
        }
        int recovered = 0;
        for (UnixFsLeaf leaf : candidates) {
            checkStopping();
            ByteBuffer bytes = ByteBuffer.allocate(leaf.length());
            while (bytes.hasRemaining() && channel.read(bytes, leaf.offset() + bytes.position()) >= 0) {
                // read the whole leaf; a short file ends the loop through the -1
            }
            if (bytes.hasRemaining()) {
                continue;
            }
            try {
                accept(null, Block.verify(leaf.cid(), bytes.array()));
                recovered++;
            } catch (BlockVerificationException notThere) {
                // never written, or torn by the crash: fetched as usual
            }
        }
        if (recovered > 0) {
            log.info(
                    "download {}: {} leaves written before a stop but not yet recorded were verified in place",
                    id,
                    recovered);
        }
    }

    /** The controller loop: until every leaf is verified and durable, or a stop. */
    private void swarm() throws IOException {
        askProviders();
        long lastPersist = System.nanoTime();
        long lastPublish = 0;
        long lastAsk = System.nanoTime();
        while (true) {
            checkStopping();
            IOException failure;
            boolean complete;
            lock.lock();
            try {
                failure = peerFailure;
                SwarmScheduler s = scheduler;
                complete = s == null || (s.complete() && written.cardinality() == s.leaves());
            } finally {
                lock.unlock();
            }
            if (failure != null) {
                throw failure;
            }
            if (complete) {
                return;
            }
            long now = System.nanoTime();
            connectMore(now);
            dropStalled(now);
            if (now - lastPersist >= PERSIST_NANOS) {
                persistDone();
                lastPersist = now;
            }
            if (now - lastPublish >= PUBLISH_NANOS) {
                sample(now);
                owner.publish(info());
                lastPublish = now;
            }
            boolean short_;
            lock.lock();
            try {
                short_ = peers.size() < owner.config().maxPeers() && candidates.size() <= peers.size();
            } finally {
                lock.unlock();
            }
            if (short_ && now - lastAsk >= owner.config().providerRefresh().toNanos()) {
                askProviders();
                lastAsk = now;
            }
            lock.lock();
            try {
                changed.await(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoppedException();
            } finally {
                lock.unlock();
            }
        }
    }

    private void sample(long now) {
        lock.lock();
        try {
            samples.addLast(new long[] {now, bytesDone});
            while (samples.size() > 8) {
                samples.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    private void connectMore(long now) {
        List<SwarmPeer> toStart = new ArrayList<>();
        lock.lock();
        try {
            for (PeerId p : candidates) {
                if (peers.size() >= owner.config().maxPeers()) {
                    break;
                }
                if (peers.containsKey(p)
                        || banned.contains(p)
                        || owner.reputation().banned(p)) {
                    continue;
                }
                Long at = retryAt.get(p);
                if (at != null && now - at < 0) {
                    continue;
                }
                SwarmPeer peer = new SwarmPeer(p, this, owner.peerBucket());
                peers.put(p, peer);
                toStart.add(peer);
            }
        } finally {
            lock.unlock();
        }
        toStart.forEach(SwarmPeer::start);
    }

    private void dropStalled(long now) {
        List<SwarmPeer> stalled = new ArrayList<>();
        lock.lock();
        try {
            SwarmScheduler s = scheduler;
            for (SwarmPeer p : peers.values()) {
                if (s != null
                        && s.outstanding(p.peer) > 0
                        && now - p.lastProgressNanos
                                > owner.config().stallTimeout().toNanos()) {
                    stalled.add(p);
                }
            }
        } finally {
            lock.unlock();
        }
        for (SwarmPeer p : stalled) {
            log.info(
                    "download {}: {} sent nothing for {}; dropped",
                    id,
                    p.peer,
                    owner.config().stallTimeout());
            owner.reputation().stalled(p.peer);
            lock.lock();
            try {
                retryAt.put(p.peer, now + 2 * owner.config().stallTimeout().toNanos());
            } finally {
                lock.unlock();
            }
            p.close();
        }
    }

    // ---------------------------------------------------------------- peer events (reader threads)

    void onConnected(SwarmPeer peer) {
        lock.lock();
        try {
            failures.remove(peer.peer);
            SwarmScheduler s = scheduler;
            if (s != null) {
                s.addPeer(peer.peer);
            }
        } finally {
            lock.unlock();
        }
    }

    void onGone(SwarmPeer peer, @Nullable Throwable failure) {
        lock.lock();
        try {
            if (peers.get(peer.peer) == peer) {
                peers.remove(peer.peer);
            }
            SwarmScheduler s = scheduler;
            if (s != null) {
                s.removePeer(peer.peer);
            }
            if (failure != null && !stopping) {
                int n = failures.merge(peer.peer, 1, Integer::sum);
                if (n >= MAX_PEER_FAILURES) {
                    candidates.remove(peer.peer);
                    failures.remove(peer.peer);
                } else {
                    retryAt.put(
                            peer.peer,
                            System.nanoTime() + owner.config().retryDelay().toNanos() * n);
                }
                log.debug("download {}: lost {}: {}", id, peer.peer, failure.toString());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (failure instanceof ProtocolViolationException e) {
            log.info("download {}: {} broke the block protocol: {}", id, peer.peer, e.getMessage());
        }
        redistribute();
    }

    /** Another peer's loss freed requests: give every peer a chance to take them. */
    private void redistribute() {
        List<SwarmPeer> all;
        lock.lock();
        try {
            all = new ArrayList<>(peers.values());
        } finally {
            lock.unlock();
        }
        all.forEach(this::refill);
    }

    void onResponse(SwarmPeer peer, BlockExchangeCodec.Response r) throws IOException {
        if (r.block().isPresent()) {
            onBlock(peer, r.block().get());
        }
        if (!r.dontHave().isEmpty()) {
            lock.lock();
            try {
                SwarmScheduler s = scheduler;
                for (Cid c : r.dontHave()) {
                    int[] indexes = indexesByCid.get(c);
                    if (s != null && indexes != null) {
                        for (int i : indexes) {
                            s.dontHave(peer.peer, i);
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            redistribute();
        }
        if (r.bitfield().isPresent()) {
            BlockExchangeCodec.Bitfield b = r.bitfield().get();
            lock.lock();
            try {
                SwarmScheduler s = scheduler;
                if (!b.root().equals(root) || s == null) {
                    throw new ProtocolViolationException("sent a bitfield for " + b.root() + ", not " + root);
                }
                if (b.complete()) {
                    s.setComplete(peer.peer);
                    sources.add(peer.peer);
                } else if (b.leaves() != 0 || !b.bits().isEmpty()) {
                    if (b.leaves() != s.leaves()) {
                        throw new ProtocolViolationException(
                                "sent a bitfield of " + b.leaves() + " leaves; the file has " + s.leaves());
                    }
                    s.setHas(peer.peer, b.bits());
                    if (!b.bits().isEmpty()) {
                        sources.add(peer.peer);
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        if (r.haveLeaves().isPresent() && r.haveLeaves().get().root().equals(root)) {
            lock.lock();
            try {
                SwarmScheduler s = scheduler;
                for (int i : r.haveLeaves().get().indexes()) {
                    if (s == null || i >= s.leaves()) {
                        throw new ProtocolViolationException("announced leaf " + i + " of a file with fewer leaves");
                    }
                    s.addHave(peer.peer, i);
                }
                sources.add(peer.peer);
            } finally {
                lock.unlock();
            }
        }
        if (r.peers().isPresent() && r.peers().get().root().equals(root)) {
            for (BlockExchangeCodec.PeerInfo info : r.peers().get().peers()) {
                if (!info.peer().equals(host().peerId()) && !info.addresses().isEmpty()) {
                    host().peerstore().addAddresses(info.peer(), info.addresses(), Peerstore.RECENTLY_CONNECTED_TTL);
                    addCandidate(info.peer());
                }
            }
        }
        refill(peer);
    }

    private void onBlock(SwarmPeer peer, BlockExchangeCodec.BlockData data) throws IOException {
        Cid cid = data.cid();
        lock.lock();
        try {
            if (!indexesByCid.containsKey(cid)) {
                throw new ProtocolViolationException("sent block " + cid + ", which is not a leaf of " + root);
            }
        } finally {
            lock.unlock();
        }
        owner.downloadBucket().acquire(data.data().length);
        peer.bucket.acquire(data.data().length);
        Block block;
        try {
            block = Block.verify(cid, data.data());
        } catch (BlockVerificationException e) {
            ban(peer.peer, "sent a block that does not hash to " + cid);
            peer.close();
            return;
        }
        accept(peer, block);
    }

    /** Writes a verified leaf wherever the file needs it and updates the swarm. */
    private void accept(@Nullable SwarmPeer peer, Block block) throws IOException {
        List<UnixFsLeaf> targets = new ArrayList<>();
        int[] indexes;
        lock.lock();
        try {
            indexes = indexesByCid.getOrDefault(block.cid(), new int[0]);
            SwarmScheduler s = scheduler;
            for (int i : indexes) {
                if (s != null && !s.isDone(i)) {
                    targets.add(leaves.get(i));
                }
            }
        } finally {
            lock.unlock();
        }
        if (targets.isEmpty()) {
            if (peer != null) {
                lock.lock();
                try {
                    SwarmScheduler s = scheduler;
                    for (int i : indexes) {
                        if (s != null) {
                            s.received(peer.peer, i); // a late duplicate: just clears its request
                        }
                    }
                    peer.measured(block.size(), System.nanoTime());
                    duplicates++;
                } finally {
                    lock.unlock();
                }
            }
            return;
        }
        byte[] bytes = UnixFs.leafData(block);
        if (block.cid().codec() != Cid.RAW) {
            owner.blocks().put(block); // served from the store; the partial file holds only file bytes
        }
        for (UnixFsLeaf leaf : targets) {
            if (bytes.length != leaf.length()) {
                if (peer != null) {
                    ban(
                            peer.peer,
                            "sent leaf " + block.cid() + " of " + bytes.length + " bytes; its parent says "
                                    + leaf.length());
                    peer.close();
                }
                return;
            }
        }
        List<Integer> claimed = new ArrayList<>();
        Map<PeerId, List<Cid>> cancels = new HashMap<>();
        lock.lock();
        try {
            SwarmScheduler s = scheduler;
            PeerId from = peer == null ? host().peerId() : peer.peer;
            for (int i : indexes) {
                if (s == null || s.isDone(i)) {
                    continue;
                }
                for (PeerId other : s.received(from, i)) {
                    cancels.computeIfAbsent(other, k -> new ArrayList<>()).add(block.cid());
                }
                claimed.add(i);
            }
            if (peer != null) {
                peer.measured(block.size(), System.nanoTime());
                blocksFrom.merge(peer.peer, 1L, Long::sum);
            }
        } finally {
            lock.unlock();
        }
        if (peer != null) {
            owner.reputation().verified(peer.peer, block.size());
        }
        if (!claimed.isEmpty()) {
            try {
                writes.put(new PendingWrite(bytes, claimed)); // back-pressure: a full queue slows the readers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while queueing a write");
            }
        }
        for (Map.Entry<PeerId, List<Cid>> e : cancels.entrySet()) {
            SwarmPeer other;
            lock.lock();
            try {
                other = peers.get(e.getKey());
            } finally {
                lock.unlock();
            }
            if (other != null) {
                other.send(BlockExchangeCodec.Request.cancel(e.getValue()));
                refill(other);
            }
        }
    }

    private void startWriter() {
        writes.clear();
        Thread t = Thread.ofPlatform().daemon().name("download-writer-" + id).unstarted(this::writeLoop);
        writer = t;
        t.start();
    }

    /** Lets the writer finish what is queued, then stops it. */
    private void stopWriter() {
        Thread t = writer;
        if (t == null) {
            return;
        }
        try {
            writes.put(new PendingWrite(new byte[0], List.of()));
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
        }
        writer = null;
    }

    private void writeLoop() {
        boolean failed = false;
        while (true) {
            PendingWrite w;
            try {
                w = writes.take();
            } catch (InterruptedException e) {
                return;
            }
            if (w.indexes().isEmpty()) {
                return;
            }
            if (failed) {
                continue; // the download is pausing; these leaves are fetched again on resume
            }
            try {
                FileChannel channel = part;
                if (channel == null) {
                    throw new IOException("the partial file is closed");
                }
                List<UnixFsLeaf> targets = new ArrayList<>();
                lock.lock();
                try {
                    for (int i : w.indexes()) {
                        targets.add(leaves.get(i));
                    }
                } finally {
                    lock.unlock();
                }
                for (UnixFsLeaf leaf : targets) {
                    write(channel, w.bytes(), leaf.offset());
                }
                lock.lock();
                try {
                    for (int i : w.indexes()) {
                        written.set(i);
                        pendingDone.add(i);
                        bytesDone += leaves.get(i).length();
                    }
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                for (int i : w.indexes()) {
                    owner.exchange().announce(root, i);
                }
            } catch (IOException | RuntimeException e) {
                failed = true;
                lock.lock();
                try {
                    if (peerFailure == null) {
                        peerFailure = e instanceof IOException io ? io : new IOException(e.toString(), e);
                    }
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void write(FileChannel channel, byte[] bytes, long offset) throws IOException {
        long usable = owner.disk().usableBytes(directory);
        if (usable - bytes.length < owner.config().reserveBytes()) {
            throw diskFull(null);
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer, offset + buffer.position());
            }
        } catch (IOException e) {
            if (isDiskFull(e)) {
                throw diskFull(e);
            }
            throw e;
        }
    }

    private DiskFullException diskFull(@Nullable IOException cause) {
        DiskFullException e = new DiskFullException(
                "Not enough disk space in " + directory + " (keeping "
                        + owner.config().reserveBytes() / (1 << 20)
                        + " MiB free). The download is paused with everything kept; it resumes when space is freed.",
                cause);
        lock.lock();
        try {
            if (peerFailure == null) {
                peerFailure = e;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return e;
    }

    static boolean isDiskFull(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left") || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** Asks the peer for as many leaves as its pipeline has room for. */
    private void refill(SwarmPeer peer) {
        List<Cid> wants = new ArrayList<>();
        lock.lock();
        try {
            SwarmScheduler s = scheduler;
            if (s == null || stopping || peer.isClosed() || peers.get(peer.peer) != peer) {
                return;
            }
            int outstanding = s.outstanding(peer.peer);
            int room = peer.depth(owner.config(), UnixFs.BLOCK_SIZE) - outstanding;
            if (room <= 0) {
                return;
            }
            List<Integer> picked = s.next(peer.peer, Math.min(room, BlockExchangeCodec.MAX_CIDS));
            if (picked.isEmpty()) {
                return;
            }
            if (outstanding == 0) {
                peer.lastProgressNanos = System.nanoTime();
            }
            Set<Cid> seen = new HashSet<>();
            for (int i : picked) {
                Cid c = leaves.get(i).cid();
                if (seen.add(c)) {
                    wants.add(c);
                }
            }
        } finally {
            lock.unlock();
        }
        peer.send(BlockExchangeCodec.Request.wantBlocks(wants));
    }

    private void ban(PeerId peer, String why) {
        log.warn("download {}: {} {}; banned", id, peer, why);
        owner.reputation().badBlock(peer);
        lock.lock();
        try {
            banned.add(peer);
            candidates.remove(peer);
            sources.remove(peer);
        } finally {
            lock.unlock();
        }
    }

    /** Makes written leaves durable, then records them as done (so a restart never refetches them). */
    private void persistDone() throws IOException {
        owner.reputation().flush();
        List<Integer> batch;
        lock.lock();
        try {
            if (pendingDone.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(pendingDone);
            pendingDone.clear();
        } finally {
            lock.unlock();
        }
        FileChannel channel = part;
        if (channel != null && channel.isOpen()) {
            channel.force(false);
        }
        owner.store().markDone(id, batch);
    }

    private void closePeers() {
        List<SwarmPeer> all;
        lock.lock();
        try {
            all = new ArrayList<>(peers.values());
        } finally {
            lock.unlock();
        }
        all.forEach(SwarmPeer::close);
    }

    private void closePart() {
        FileChannel channel = part;
        part = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("download {}: closing the partial file: {}", id, e.getMessage());
            }
        }
    }

    /** Moves the complete partial file to its name (or "name (n)") without replacing anything. */
    private Path finish() throws IOException {
        FileChannel channel = part;
        if (channel == null) {
            throw new IOException("the partial file is closed");
        }
        if (channel.size() > size) {
            channel.truncate(size);
        }
        channel.force(true);
        persistDone();
        closePart();
        Path source = partFile();
        for (int n = 0; n < 1000; n++) {
            Path target = directory.resolve(n == 0 ? name : numbered(name, n));
            try {
                Files.createLink(target, source);
                Files.delete(source);
                syncDirectory(directory);
                logFinished(target);
                return target;
            } catch (FileAlreadyExistsException e) {
                // taken: try the next name
            } catch (UnsupportedOperationException e) {
                if (Files.exists(target)) {
                    continue;
                }
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(directory);
                return target;
            }
        }
        throw new IOException("no free name for " + name + " in " + directory);
    }

    private void logFinished(Path target) {
        lock.lock();
        try {
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            log.info(
                    "download {}: finished {} ({} bytes, {} s this run, {} duplicate blocks, blocks per peer {})",
                    id,
                    target,
                    size,
                    String.format(java.util.Locale.ROOT, "%.2f", seconds),
                    duplicates,
                    blocksFrom.values());
        } finally {
            lock.unlock();
        }
    }

    static String numbered(String name, int n) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + " (" + n + ")" + name.substring(dot) : name + " (" + n + ")";
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open directories; the rename is still atomic.
        }
    }

    /** Deletes what a cancelled download left behind. */
    void deletePartial() throws IOException {
        Files.deleteIfExists(partFile());
    }

    static void readFully(FileChannel channel, byte[] data, long offset) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) {
                throw new FileNotFoundException("file ends before " + (offset + data.length));
            }
        }
    }
}
