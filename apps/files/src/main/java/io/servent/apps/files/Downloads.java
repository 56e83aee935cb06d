package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downloads of a node: create, list, pause, resume, cancel, progress; and the {@code
 * /servent/blocks/1.0.0} service that serves shared files, finished downloads and downloads still in
 * progress to other peers.
 *
 * <p>A download fetches the root, learns its leaves only from verified DAG nodes, then swarms the
 * leaves from every provider it finds ({@link ProviderSource}, PEX, peers that ask us about the same
 * root) — see {@link SwarmDownload} and {@link SwarmScheduler}. Its state lives in the {@link
 * FilesDatabase} (a download row, one row per leaf with a done flag), its bytes in a partial file in
 * the destination directory, renamed atomically into place when complete; a restart resumes every
 * download that was running without fetching a verified leaf again. DAG nodes go to the {@link
 * BlockStore}.
 *
 * <p>Thread-safe. Listeners run on a download's controller thread and must return quickly.
 */
public final class Downloads implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Downloads.class);

    private final Host host;
    private final DownloadStore store;
    private final BlockStore blocks;
    private final BlockProvider shared;
    private final ProviderSource providers;
    private final DownloadConfig config;
    private final DiskSpace disk;
    private final ReputationStore reputationStore;
    private final SwarmReputation reputation;
    private final SwarmTokenBucket downloadBucket;
    private final BlockExchange exchange;
    private final BlockProvider provider;
    private final List<Consumer<DownloadInfo>> listeners = new CopyOnWriteArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition tick = lock.newCondition();
    private final Map<Long, SwarmDownload> downloads = new LinkedHashMap<>();
    private boolean started;
    private boolean closed;
    private @Nullable Thread ticker;

    public Downloads(
            Host host,
            FilesDatabase db,
            BlockStore blocks,
            BlockProvider shared,
            ProviderSource providers,
            DownloadConfig config) {
        this(host, db, blocks, shared, providers, config, DiskSpace.system());
    }

    /**
     * @param shared what this peer shares (usually a {@link SharedBlockProvider}); downloads are
     *     served on top of it
     * @param disk how free space is measured (tests fill the disk with it)
     */
    public Downloads(
            Host host,
            FilesDatabase db,
            BlockStore blocks,
            BlockProvider shared,
            ProviderSource providers,
            DownloadConfig config,
            DiskSpace disk) {
        this.host = host;
        this.store = new DownloadStore(db);
        this.reputationStore = new ReputationStore(db);
        this.reputation = new SwarmReputation(reputationStore);
        this.blocks = blocks;
        this.shared = shared;
        this.providers = providers;
        this.config = config;
        this.disk = disk;
        this.downloadBucket = bucket(config.downloadBytesPerSecond());
        this.provider = new DownloadBlockProvider();
        this.exchange = new BlockExchange(host, provider, new DownloadRoots(), config.exchange());
    }

    /** Loads the downloads from the database and resumes those that were running or queued. */
    public void start() throws IOException {
        List<SwarmDownload> all = new ArrayList<>();
        for (DownloadStore.Row row : store.all()) {
            all.add(new SwarmDownload(this, row));
        }
        lock.lock();
        try {
            if (started) {
                return;
            }
            started = true;
            for (SwarmDownload d : all) {
                downloads.put(d.id, d);
            }
            Thread t = Thread.ofVirtual().name("downloads-ticker").unstarted(this::tickLoop);
            ticker = t;
            t.start();
        } finally {
            lock.unlock();
        }
        schedule();
    }

    /**
     * Starts downloading {@code root} into {@code directory} as {@code name} (default: the CID).
     *
     * @param sequential fetch leaves in file order (for streaming) instead of rarest first
     */
    public DownloadInfo create(Cid root, @Nullable String name, Path directory, boolean sequential) throws IOException {
        try {
            Block.checkHash(root);
        } catch (BlockVerificationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (root.codec() != Cid.RAW && root.codec() != Cid.DAG_PB) {
            throw new IllegalArgumentException("only UnixFS files (raw or dag-pb CIDs) can be downloaded, not " + root);
        }
        String fileName = safeName(name, root);
        Path dir = directory.toAbsolutePath().normalize();
        long id = store.insert(root, fileName, dir, sequential);
        SwarmDownload d = new SwarmDownload(
                this,
                new DownloadStore.Row(
                        id,
                        root,
                        fileName,
                        dir,
                        sequential,
                        DownloadState.QUEUED,
                        -1,
                        Optional.empty(),
                        Optional.empty()));
        lock.lock();
        try {
            downloads.put(id, d);
        } finally {
            lock.unlock();
        }
        schedule();
        DownloadInfo info = d.info();
        publish(info);
        return info;
    }

    public List<DownloadInfo> list() {
        return snapshot().stream().map(SwarmDownload::info).toList();
    }

    public Optional<DownloadInfo> get(long id) {
        return find(id).map(SwarmDownload::info);
    }

    /** Stops fetching; everything verified so far is kept. */
    public DownloadInfo pause(long id) throws IOException {
        SwarmDownload d = require(id);
        DownloadState s = d.state();
        if (s == DownloadState.RUNNING || s == DownloadState.QUEUED) {
            d.stop(DownloadState.PAUSED);
            store.setState(id, DownloadState.PAUSED, null, null);
            forceState(d, DownloadState.PAUSED);
        }
        DownloadInfo info = d.info();
        publish(info);
        schedule();
        return info;
    }

    /** Continues a paused or failed download (queued if too many run). */
    public DownloadInfo resume(long id) throws IOException {
        SwarmDownload d = require(id);
        DownloadState s = d.state();
        if (s == DownloadState.PAUSED || s == DownloadState.FAILED) {
            store.setState(id, DownloadState.QUEUED, null, null);
            forceState(d, DownloadState.QUEUED);
            schedule();
        }
        DownloadInfo info = d.info();
        publish(info);
        return info;
    }

    /** Stops and forgets the download, deleting its partial file (a finished file is kept). */
    public void cancel(long id) throws IOException {
        SwarmDownload d = require(id);
        d.stop(DownloadState.PAUSED);
        lock.lock();
        try {
            downloads.remove(id);
        } finally {
            lock.unlock();
        }
        d.deletePartial();
        store.delete(id);
        schedule();
    }

    /** Calls {@code listener} with a snapshot on every change and about twice a second while running. */
    public AutoCloseable subscribe(Consumer<DownloadInfo> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** What this node serves on {@code /servent/blocks/1.0.0}: shares, then downloads. */
    public BlockProvider blockProvider() {
        return provider;
    }

    public BlockExchange exchange() {
        return exchange;
    }

    public SwarmReputation reputation() {
        return reputation;
    }

    /** The persistent record downloads keep of peers; search ranks by it (share one per database). */
    public ReputationStore reputationStore() {
        return reputationStore;
    }

    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            tick.signalAll();
            t = ticker;
        } finally {
            lock.unlock();
        }
        exchange.close();
        for (SwarmDownload d : snapshot()) {
            // Stopped by shutdown, not by the user: queued, so it resumes on the next start.
            d.stop(DownloadState.QUEUED);
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------- for SwarmDownload

    Host host() {
        return host;
    }

    DownloadStore store() {
        return store;
    }

    BlockStore blocks() {
        return blocks;
    }

    ProviderSource providers() {
        return providers;
    }

    DownloadConfig config() {
        return config;
    }

    DiskSpace disk() {
        return disk;
    }

    SwarmTokenBucket downloadBucket() {
        return downloadBucket;
    }

    SwarmTokenBucket peerBucket() {
        return bucket(config.downloadBytesPerSecondPerPeer());
    }

    void publish(DownloadInfo info) {
        for (Consumer<DownloadInfo> l : listeners) {
            try {
                l.accept(info);
            } catch (RuntimeException e) {
                log.warn("downloads: a listener failed: {}", e.toString());
            }
        }
    }

    /** A runner ended (done, paused, failed or stopped): start queued ones in its place. */
    void stopped(SwarmDownload d) {
        publish(d.info());
        lock.lock();
        try {
            tick.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- internals

    private static SwarmTokenBucket bucket(long rate) {
        return rate == SwarmTokenBucket.UNLIMITED
                ? SwarmTokenBucket.unlimited()
                : new SwarmTokenBucket(rate, Math.max(UnixFs.MAX_BLOCK_SIZE, rate / 4));
    }

    private void forceState(SwarmDownload d, DownloadState s) {
        d.markStopped(s);
    }

    private void schedule() {
        List<SwarmDownload> toStart = new ArrayList<>();
        lock.lock();
        try {
            if (!started || closed) {
                return;
            }
            int running = 0;
            for (SwarmDownload d : downloads.values()) {
                if (d.state() == DownloadState.RUNNING) {
                    running++;
                }
            }
            for (SwarmDownload d : downloads.values()) {
                if (running >= config.maxActive()) {
                    break;
                }
                DownloadState s = d.state();
                if (s == DownloadState.QUEUED) {
                    toStart.add(d);
                    running++;
                }
            }
        } finally {
            lock.unlock();
        }
        for (SwarmDownload d : toStart) {
            try {
                d.start();
            } catch (IOException e) {
                log.warn("downloads: cannot start download {}: {}", d.id, e.getMessage());
            }
        }
    }

    private void tickLoop() {
        while (true) {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                tick.await(Math.min(1000, config.diskRetry().toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            for (SwarmDownload d : snapshot()) {
                if (d.diskPaused() && hasSpace(d)) {
                    log.info("downloads: space is free again in {}; resuming download {}", d.directory, d.id);
                    try {
                        resume(d.id);
                    } catch (IOException | RuntimeException e) {
                        log.warn("downloads: cannot resume download {}: {}", d.id, e.toString());
                    }
                }
            }
            schedule();
        }
    }

    private boolean hasSpace(SwarmDownload d) {
        try {
            return disk.usableBytes(d.directory) > config.reserveBytes() + 2L * UnixFs.MAX_BLOCK_SIZE;
        } catch (IOException e) {
            return false;
        }
    }

    private List<SwarmDownload> snapshot() {
        lock.lock();
        try {
            return new ArrayList<>(downloads.values());
        } finally {
            lock.unlock();
        }
    }

    private Optional<SwarmDownload> find(long id) {
        lock.lock();
        try {
            return Optional.ofNullable(downloads.get(id));
        } finally {
            lock.unlock();
        }
    }

    private SwarmDownload require(long id) {
        return find(id).orElseThrow(() -> new NoSuchElementException("there is no download " + id));
    }

    private Optional<SwarmDownload> activeFor(Cid root) {
        for (SwarmDownload d : snapshot()) {
            if (d.root.equals(root) && d.state() != DownloadState.DONE) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Keeps only the last path element and replaces what no file system takes. */
    static String safeName(@Nullable String name, Cid root) {
        if (name == null || name.isBlank()) {
            return root.toString();
        }
        String s = name.replace('\\', '/');
        s = s.substring(s.lastIndexOf('/') + 1).replace('\0', '_').strip();
        if (s.isEmpty() || s.equals(".") || s.equals("..") || s.length() > 255) {
            return root.toString();
        }
        return s.startsWith(".") ? "_" + s.substring(1) : s;
    }

    /** Serves shares first, then verified leaves of downloads (in progress or finished), then DAG nodes. */
    private final class DownloadBlockProvider implements BlockProvider {
        @Override
        public Optional<Block> block(Cid cid, PeerId requester) throws IOException {
            Optional<Block> block = shared.block(cid, requester);
            if (block.isPresent()) {
                return block;
            }
            for (SwarmDownload d : snapshot()) {
                block = d.serve(cid);
                if (block.isPresent()) {
                    return block;
                }
            }
            Optional<DownloadStore.StoredLeaf> leaf = store.finishedLeaf(cid.multihash());
            if (leaf.isPresent() && leaf.get().cid().codec() == Cid.RAW) {
                byte[] data = new byte[leaf.get().length()];
                try (java.nio.channels.FileChannel c =
                        java.nio.channels.FileChannel.open(leaf.get().file())) {
                    SwarmDownload.readFully(c, data, leaf.get().offset());
                    return Optional.of(Block.verify(cid, data));
                } catch (IOException e) {
                    log.info(
                            "downloads: finished file {} no longer holds {}: {}",
                            leaf.get().file(),
                            cid,
                            e.getMessage());
                }
            }
            return blocks.get(cid);
        }

        @Override
        public boolean has(Cid cid, PeerId requester) throws IOException {
            return shared.has(cid, requester)
                    || blocks.has(cid)
                    || store.finishedLeaf(cid.multihash()).isPresent();
        }
    }

    /** Bitfields, sources and interest as the block exchange sees them. */
    private final class DownloadRoots implements BlockExchange.Roots {
        @Override
        public Optional<BlockExchangeCodec.Bitfield> bitfield(Cid root, PeerId requester) throws IOException {
            Optional<SwarmDownload> d = activeFor(root);
            if (d.isPresent()) {
                Optional<BlockExchangeCodec.Bitfield> b = d.get().bitfield();
                if (b.isPresent()) {
                    return b;
                }
            }
            for (SwarmDownload done : snapshot()) {
                if (done.root.equals(root) && done.state() == DownloadState.DONE) {
                    return Optional.of(new BlockExchangeCodec.Bitfield(root, true, 0, new BitSet()));
                }
            }
            return shared.has(root, requester)
                    ? Optional.of(new BlockExchangeCodec.Bitfield(root, true, 0, new BitSet()))
                    : Optional.empty();
        }

        @Override
        public List<BlockExchangeCodec.PeerInfo> sources(Cid root, PeerId requester) {
            return activeFor(root).map(SwarmDownload::sources).orElse(List.of());
        }

        @Override
        public void interested(Cid root, PeerId peer) {
            activeFor(root).ifPresent(d -> d.addCandidate(peer));
        }
    }
}
