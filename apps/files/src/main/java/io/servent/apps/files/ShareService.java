package io.servent.apps.files;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the user shares: {@link #share}, {@link #unshare}, {@link #shares}, and keeping the index
 * true to the disk — a scan when a share is added, a rescan of every share every {@code
 * rescanPeriod}, a quick rescan of a share shortly after its directories report changes (a {@link
 * WatchService} on up to {@link #MAX_WATCHED_DIRECTORIES} directories; beyond that the periodic rescan
 * covers it), and a rescan when serving finds a file changed under the index ({@link #markStale}).
 *
 * <p>Thread-safe. Scans run on one scheduler thread, one at a time; {@link #rescan} runs one on the
 * caller's thread and waits for any scan in progress first.
 */
public final class ShareService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShareService.class);

    /** Watching more directories than this would eat inotify watches other programs need. */
    public static final int MAX_WATCHED_DIRECTORIES = 4096;

    /** Changes within this long are gathered into one rescan. */
    static final Duration CHANGE_DELAY = Duration.ofSeconds(2);

    private final ShareIndex index;
    private final ShareIndexer indexer;
    private final Duration rescanPeriod;
    private final ScheduledExecutorService scheduler;
    private final Map<Long, Boolean> pendingRescans = new ConcurrentHashMap<>();
    private final Map<WatchKey, Long> watchedKeys = new ConcurrentHashMap<>();
    private @Nullable WatchService watcher;
    private @Nullable Thread watchThread;
    private volatile boolean closed;

    public ShareService(ShareIndexer indexer, Duration rescanPeriod) {
        this.index = indexer.index();
        this.indexer = indexer;
        this.rescanPeriod = rescanPeriod;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "files-share-scanner");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts periodic rescans and watching; scans every share once now (in the background). */
    public void start() throws IOException {
        WatchService ws = FileSystems.getDefault().newWatchService();
        watcher = ws;
        for (Share share : index.shares()) {
            watch(share);
            scheduleRescan(share.id(), Duration.ZERO);
        }
        long period = rescanPeriod.toMillis();
        var unused = scheduler.scheduleWithFixedDelay(this::rescanAllQuietly, period, period, TimeUnit.MILLISECONDS);
        watchThread = Thread.ofVirtual().name("files-share-watcher").start(() -> watchLoop(ws));
    }

    /** Shares a directory with {@code access} and indexes it in the background. */
    public Share share(Path directory, ShareAccess access) throws IOException {
        Share share = index.addShare(directory, access);
        log.info("shares: sharing {} as '{}' (id {}) with {}", share.root(), share.name(), share.id(), access);
        if (watcher != null) {
            watch(share);
        }
        scheduleRescan(share.id(), Duration.ZERO);
        return share;
    }

    /** Stops sharing; its files vanish from the index (and so from browse, search and serving) at once. */
    public boolean unshare(long shareId) throws IOException {
        watchedKeys.entrySet().removeIf(e -> {
            if (e.getValue() == shareId) {
                e.getKey().cancel();
                return true;
            }
            return false;
        });
        boolean removed = index.removeShare(shareId);
        if (removed) {
            log.info("shares: stopped sharing id {}", shareId);
        }
        return removed;
    }

    public List<Share> shares() throws IOException {
        return index.shares();
    }

    public void setAccess(long shareId, ShareAccess access) throws IOException {
        index.setAccess(shareId, access);
    }

    public ShareIndex index() {
        return index;
    }

    public ShareIndexer.Progress progress() {
        return indexer.progress();
    }

    /** Scans one share now and returns what changed; empty if there is no such share. */
    public Optional<ShareIndexer.ScanResult> rescan(long shareId) throws IOException {
        Optional<Share> share = index.share(shareId);
        if (share.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(indexer.scan(share.get()));
    }

    /** Scans every share now. */
    public List<ShareIndexer.ScanResult> rescanAll() throws IOException {
        List<ShareIndexer.ScanResult> results = new ArrayList<>();
        for (Share share : index.shares()) {
            results.add(indexer.scan(share));
        }
        return results;
    }

    /** A served block no longer matched its file: rescan that file's share soon. */
    public void markStale(long shareId) {
        scheduleRescan(shareId, CHANGE_DELAY);
    }

    private void scheduleRescan(long shareId, Duration delay) {
        if (closed || pendingRescans.putIfAbsent(shareId, Boolean.TRUE) != null) {
            return;
        }
        var unused = scheduler.schedule(
                () -> {
                    pendingRescans.remove(shareId);
                    try {
                        rescan(shareId);
                    } catch (IOException | RuntimeException e) {
                        log.warn("shares: rescan of share {} failed: {}", shareId, e.toString());
                    }
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void rescanAllQuietly() {
        try {
            rescanAll();
        } catch (IOException | RuntimeException e) {
            log.warn("shares: periodic rescan failed: {}", e.toString());
        }
    }

    private void watch(Share share) {
        WatchService ws = watcher;
        if (ws == null) {
            return;
        }
        try {
            Files.walkFileTree(share.root(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (watchedKeys.size() >= MAX_WATCHED_DIRECTORIES) {
                        return FileVisitResult.TERMINATE;
                    }
                    register(ws, dir, share.id());
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.debug("shares: cannot watch {}: {}", share.root(), e.toString());
        }
    }

    private void register(WatchService ws, Path dir, long shareId) throws IOException {
        WatchKey key = dir.register(
                ws,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        watchedKeys.put(key, shareId);
    }

    private void watchLoop(WatchService ws) {
        try {
            while (!closed) {
                WatchKey key = ws.take();
                Long shareId = watchedKeys.get(key);
                for (var event : key.pollEvents()) {
                    if (shareId != null
                            && StandardWatchEventKinds.ENTRY_CREATE.equals(event.kind())
                            && key.watchable() instanceof Path dir
                            && event.context() instanceof Path name
                            && Files.isDirectory(dir.resolve(name))
                            && watchedKeys.size() < MAX_WATCHED_DIRECTORIES) {
                        try {
                            register(ws, dir.resolve(name), shareId);
                        } catch (IOException e) {
                            log.debug("shares: cannot watch {}: {}", dir.resolve(name), e.toString());
                        }
                    }
                }
                if (shareId != null) {
                    scheduleRescan(shareId, CHANGE_DELAY);
                }
                if (!key.reset()) {
                    watchedKeys.remove(key);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        WatchService ws = watcher;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException e) {
                log.debug("shares: closing the watch service: {}", e.toString());
            }
        }
        Thread t = watchThread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
