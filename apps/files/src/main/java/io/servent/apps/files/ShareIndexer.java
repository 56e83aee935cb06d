package io.servent.apps.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans shares into the {@link ShareIndex}: walks the directory (never following symlinks), hashes
 * new and changed files (by size and modification time) into UnixFS DAGs, streamed from disk and in
 * parallel across files on a fixed pool, records each file's root, leaf locations and internal
 * nodes, and forgets files that are gone or unreadable. A file that changes while it is hashed is
 * left for the next scan.
 *
 * <p>Thread-safe; one scan runs at a time (others wait). Progress is observable by polling {@link
 * #progress()} or subscribing; listeners run on indexer threads and must be quick.
 */
public final class ShareIndexer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShareIndexer.class);

    /** A snapshot of indexing work, cumulative over the current (or last) scan. */
    public record Progress(
            boolean scanning,
            long shareId,
            long filesSeen,
            long filesToHash,
            long filesHashed,
            long bytesToHash,
            long bytesHashed,
            long errors) {}

    /** What one scan did. */
    public record ScanResult(
            long shareId,
            int filesSeen,
            int hashed,
            int unchanged,
            int removed,
            int errors,
            long bytesHashed,
            Duration took) {}

    private final ShareIndex index;
    private final UnixFsLayout layout;
    private final int threads;
    private final ExecutorService pool;
    private final ReentrantLock scanLock = new ReentrantLock();
    private final List<Consumer<Progress>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean scanning;
    private volatile long scanShare = -1;
    private final AtomicLong filesSeen = new AtomicLong();
    private final AtomicLong filesToHash = new AtomicLong();
    private final AtomicLong filesHashed = new AtomicLong();
    private final AtomicLong bytesToHash = new AtomicLong();
    private final AtomicLong bytesHashed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /** Hashes with {@code threads} threads (one file each at a time). */
    public ShareIndexer(ShareIndex index, UnixFsLayout layout, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        this.index = index;
        this.layout = layout;
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "files-indexer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** One hashing thread per core, servent's layout. */
    public ShareIndexer(ShareIndex index) {
        this(index, UnixFsLayout.defaults(), Runtime.getRuntime().availableProcessors());
    }

    public ShareIndex index() {
        return index;
    }

    public Progress progress() {
        return new Progress(
                scanning,
                scanShare,
                filesSeen.get(),
                filesToHash.get(),
                filesHashed.get(),
                bytesToHash.get(),
                bytesHashed.get(),
                errors.get());
    }

    /** Calls {@code listener} with fresh progress after every file and at the start and end of scans. */
    public AutoCloseable subscribe(Consumer<Progress> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Scans one share now, blocking until it is indexed. */
    public ScanResult scan(Share share) throws IOException {
        scanLock.lock();
        try {
            return doScan(share);
        } finally {
            scanning = false;
            notifyListeners();
            scanLock.unlock();
        }
    }

    private ScanResult doScan(Share share) throws IOException {
        long start = System.nanoTime();
        scanning = true;
        scanShare = share.id();
        for (AtomicLong counter : List.of(filesSeen, filesToHash, filesHashed, bytesToHash, bytesHashed, errors)) {
            counter.set(0);
        }
        notifyListeners();
        Path root = share.root();
        Map<String, ShareIndex.FileState> known = index.fileStates(share.id());
        Set<String> seen = new HashSet<>();
        Set<String> failed = ConcurrentHashMap.newKeySet();
        BatchWriter writer = new BatchWriter(failed);
        Semaphore slots = new Semaphore(threads * 2);
        List<Future<?>> tasks = new ArrayList<>();
        int[] unchanged = {0};
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                String rel = relative(root, file);
                seen.add(rel);
                filesSeen.incrementAndGet();
                long mtime = attrs.lastModifiedTime().toMillis();
                ShareIndex.FileState state = known.get(rel);
                if (state != null && state.size() == attrs.size() && state.mtimeMillis() == mtime) {
                    unchanged[0]++;
                    return FileVisitResult.CONTINUE;
                }
                filesToHash.incrementAndGet();
                bytesToHash.addAndGet(attrs.size());
                slots.acquireUninterruptibly();
                tasks.add(pool.submit(() -> {
                    try {
                        Optional<ShareIndex.IndexedFile> indexed = hash(share, rel, file, attrs.size(), mtime);
                        if (indexed.isPresent()) {
                            writer.add(indexed.get());
                        }
                    } catch (IOException | RuntimeException e) {
                        failed.add(rel);
                        errors.incrementAndGet();
                        log.warn("indexer: cannot hash {}: {}", file, e.toString());
                    } finally {
                        slots.release();
                        notifyListeners();
                    }
                }));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                if (file.equals(root)) {
                    return FileVisitResult.TERMINATE;
                }
                errors.incrementAndGet();
                log.debug("indexer: cannot read {}: {}", file, e.toString());
                return FileVisitResult.CONTINUE;
            }
        });
        try {
            for (Future<?> task : tasks) {
                task.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while indexing " + root);
        } catch (ExecutionException e) {
            throw new IllegalStateException("indexer task failed", e.getCause());
        } finally {
            writer.finish();
        }
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "the shared directory is gone");
        }
        List<String> gone = new ArrayList<>(failed);
        for (String path : known.keySet()) {
            if (!seen.contains(path)) {
                gone.add(path);
            }
        }
        index.removeFiles(share.id(), gone);
        ScanResult result = new ScanResult(
                share.id(),
                seen.size(),
                writer.written(),
                unchanged[0],
                gone.size(),
                (int) errors.get(),
                bytesHashed.get(),
                Duration.ofNanos(System.nanoTime() - start));
        log.info("indexer: scanned share {} ({}): {}", share.id(), root, result);
        return result;
    }

    /** Hashes one file; empty if it changed while being hashed. */
    private Optional<ShareIndex.IndexedFile> hash(Share share, String rel, Path file, long size, long mtime)
            throws IOException {
        List<Block> nodes = new ArrayList<>();
        UnixFsFile dag = UnixFsBuilder.build(file, layout, new UnixFsBuilder.Sink() {
            @Override
            public void leaf(UnixFsLeaf leaf, byte[] buffer, int length) {
                bytesHashed.addAndGet(length);
            }

            @Override
            public void node(Block node) {
                nodes.add(node);
            }
        });
        BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
        if (dag.size() != size
                || after.size() != size
                || after.lastModifiedTime().toMillis() != mtime) {
            log.debug("indexer: {} changed while being hashed; next scan", file);
            return Optional.empty();
        }
        return Optional.of(new ShareIndex.IndexedFile(share.id(), rel, mtime, dag, nodes));
    }

    /**
     * Records hashed files in batches on its own thread: one SQLite transaction per batch instead of
     * per file, which matters when a share holds thousands of small files. The queue is bounded, so
     * hashing waits if the database falls behind.
     */
    private final class BatchWriter {
        private static final int MAX_BATCH = 256;

        private final BlockingQueue<ShareIndex.IndexedFile> queue = new ArrayBlockingQueue<>(2 * MAX_BATCH);
        private final Set<String> failed;
        private final AtomicInteger written = new AtomicInteger();
        private final Thread thread;
        private volatile boolean done;

        BatchWriter(Set<String> failed) {
            this.failed = failed;
            this.thread =
                    Thread.ofPlatform().daemon().name("files-index-writer").start(this::run);
        }

        void add(ShareIndex.IndexedFile file) throws InterruptedIOException {
            try {
                queue.put(file);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while queueing " + file.relPath());
            }
        }

        int written() {
            return written.get();
        }

        /** Called once every add has returned: writes what is queued and stops. */
        void finish() {
            done = true;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void run() {
            List<ShareIndex.IndexedFile> batch = new ArrayList<>(MAX_BATCH);
            try {
                while (true) {
                    ShareIndex.IndexedFile first = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (done && queue.isEmpty()) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    try {
                        index.putFiles(batch);
                        written.addAndGet(batch.size());
                        filesHashed.addAndGet(batch.size());
                    } catch (IOException | RuntimeException e) {
                        log.warn("indexer: cannot record {} files: {}", batch.size(), e.toString());
                        errors.addAndGet(batch.size());
                        batch.forEach(f -> failed.add(f.relPath()));
                    }
                    batch.clear();
                    notifyListeners();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String relative(Path root, Path file) {
        Path rel = root.relativize(file);
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private void notifyListeners() {
        if (listeners.isEmpty()) {
            return;
        }
        Progress p = progress();
        for (Consumer<Progress> listener : listeners) {
            try {
                listener.accept(p);
            } catch (RuntimeException e) {
                log.warn("indexer: progress listener failed: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
