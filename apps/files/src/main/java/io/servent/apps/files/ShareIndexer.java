package io.servent.apps.files;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
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
        AtomicInteger hashed = new AtomicInteger();
        Semaphore slots = new Semaphore(threads * 2);
        List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
        int[] unchanged = {0};
        Files.walkFileTree(
                root,
                EnumSet.noneOf(java.nio.file.FileVisitOption.class),
                Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
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
                                if (hash(share, rel, file, attrs.size(), mtime)) {
                                    hashed.incrementAndGet();
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
        for (java.util.concurrent.Future<?> task : tasks) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while indexing " + root);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("indexer task failed", e.getCause());
            }
        }
        if (!Files.isDirectory(root)) {
            throw new java.nio.file.NoSuchFileException(root.toString(), null, "the shared directory is gone");
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
                hashed.get(),
                unchanged[0],
                gone.size(),
                (int) errors.get(),
                bytesHashed.get(),
                Duration.ofNanos(System.nanoTime() - start));
        log.info("indexer: scanned share {} ({}): {}", share.id(), root, result);
        return result;
    }

    /** Hashes one file and records it; false if it changed while being hashed. */
    private boolean hash(Share share, String rel, Path file, long size, long mtime) throws IOException {
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
            return false;
        }
        index.putFile(share.id(), rel, mtime, dag, nodes);
        filesHashed.incrementAndGet();
        return true;
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
