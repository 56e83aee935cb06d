package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Peerstore;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/** Real hosts (TCP, Noise, Yamux on loopback) in one JVM: seeders sharing a file and downloaders. */
final class SwarmNet implements AutoCloseable {
    /** 256 KiB leaves under 16-link nodes: many leaves and a 3-level DAG from a few MiB. */
    static final UnixFsLayout LAYOUT = new UnixFsLayout(256 * 1024, 16);

    final Path tmp;
    final List<AutoCloseable> closeables = new ArrayList<>();

    SwarmNet(Path tmp) {
        this.tmp = tmp;
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                data[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return data;
    }

    BasicHost host() throws IOException {
        return host(Ed25519PrivateKey.generate());
    }

    BasicHost host(Ed25519PrivateKey key) throws IOException {
        BasicHost host = BasicHost.builder(key)
                .config(HostConfig.defaults().withListenAddresses(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))))
                .build();
        closeables.add(host);
        host.start();
        return host;
    }

    static void introduce(Host to, Host peer) {
        to.peerstore().addAddresses(peer.peerId(), peer.listenAddresses(), Peerstore.RECENTLY_CONNECTED_TTL);
    }

    /** Counts block requests per CID (a seeder's provider, wrapped). */
    static final class Counting implements BlockProvider {
        final BlockProvider inner;
        final Map<Cid, AtomicInteger> counts = new ConcurrentHashMap<>();

        Counting(BlockProvider inner) {
            this.inner = inner;
        }

        @Override
        public Optional<Block> block(Cid cid, PeerId requester) throws IOException {
            counts.computeIfAbsent(cid, c -> new AtomicInteger()).incrementAndGet();
            return inner.block(cid, requester);
        }

        @Override
        public boolean has(Cid cid, PeerId requester) throws IOException {
            return inner.has(cid, requester);
        }

        int total() {
            return counts.values().stream().mapToInt(AtomicInteger::get).sum();
        }
    }

    /** A peer sharing one file with everyone (or the given access) over the block exchange. */
    final class Seeder {
        final BasicHost host;
        final FilesDatabase db;
        final Counting provider;
        final BlockExchange exchange;
        final Cid root;

        Seeder(String name, Path file, ShareAccess access) throws IOException {
            host = host();
            Path dir = tmp.resolve(name);
            db = FilesDatabase.open(dir.resolve("files.db"));
            closeables.add(0, db);
            ShareIndex index = new ShareIndex(db);
            try (ShareIndexer indexer = new ShareIndexer(index, LAYOUT, 2)) {
                Share share = index.addShare(java.util.Objects.requireNonNull(file.getParent()), access);
                indexer.scan(share);
            }
            root = index.files(index.shares().get(0).id()).get(0).root();
            BlockStore store = BlockStore.open(dir.resolve("blocks"), 0);
            provider = new Counting(new SharedBlockProvider(index, store, true, id -> {}));
            exchange = new BlockExchange(host, provider);
        }
    }

    Seeder seeder(String name, Path file) throws IOException {
        return new Seeder(name, file, ShareAccess.everyone());
    }

    /** A downloading peer with its own data dir; {@link #reopen} simulates a restart. */
    final class Downloader {
        final String name;
        final Path dir;
        final Path destination;
        final DownloadConfig config;
        final ProviderSource providers;
        final DiskSpace disk;
        BasicHost host;
        FilesDatabase db;
        Downloads downloads;
        Watcher watcher;

        Downloader(String name, DownloadConfig config, ProviderSource providers, DiskSpace disk) throws IOException {
            this.name = name;
            this.dir = tmp.resolve(name);
            this.destination = Files.createDirectories(dir.resolve("Downloads"));
            this.config = config;
            this.providers = providers;
            this.disk = disk;
            open();
            closeables.add(this::closeNow);
        }

        private void open() throws IOException {
            host = host();
            db = FilesDatabase.open(dir.resolve("files.db"));
            ShareIndex index = new ShareIndex(db);
            BlockStore store = BlockStore.open(dir.resolve("blocks"), 0);
            downloads = new Downloads(
                    host, db, store, new SharedBlockProvider(index, store, true, id -> {}), providers, config, disk);
            watcher = new Watcher();
            downloads.subscribe(watcher);
            downloads.start();
        }

        /** Stops everything (as a node shutting down) and starts again on the same data. */
        void reopen(List<? extends Host> peers) throws IOException {
            closeNow();
            open();
            peers.forEach(p -> introduce(host, p));
        }

        void closeNow() {
            downloads.close();
            host.close();
            db.close();
        }
    }

    /** Remembers the latest snapshot of every download and lets a test wait for a condition. */
    static final class Watcher implements java.util.function.Consumer<DownloadInfo> {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final Map<Long, DownloadInfo> latest = new ConcurrentHashMap<>();

        @Override
        public void accept(DownloadInfo info) {
            lock.lock();
            try {
                latest.put(info.id(), info);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        DownloadInfo await(long id, Predicate<DownloadInfo> condition, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            lock.lock();
            try {
                while (true) {
                    DownloadInfo info = latest.get(id);
                    if (info != null && condition.test(info)) {
                        return info;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError(
                                "download " + id + " did not reach the condition in " + timeout + "; last: " + info);
                    }
                    changed.await(left, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // best effort in tests
            }
        }
    }
}
