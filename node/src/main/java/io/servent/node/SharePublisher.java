package io.servent.node;

import io.servent.apps.files.DirectoryClient;
import io.servent.apps.files.FloodService;
import io.servent.apps.files.KeywordService;
import io.servent.apps.files.Share;
import io.servent.apps.files.ShareAccess;
import io.servent.apps.files.ShareIndex;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the network what this node shares, every way search finds files: the QRP table its
 * super-peers route by, its list on the index servers, and its DHT keyword records. Changes are
 * debounced (a scan reports many) and published on the work executor; the outcome of the last
 * publication is kept for {@code GET /api/v1/files/status} and announced as a {@code published}
 * event, so a client can wait until what it just shared is findable instead of guessing.
 *
 * <p>Thread-safe; one publication runs at a time.
 */
final class SharePublisher {
    private static final Logger log = LoggerFactory.getLogger(SharePublisher.class);

    /** How long after a change the publication starts, so a burst of changes makes one. */
    static final Duration DELAY = Duration.ofMillis(300);

    /**
     * What the last publication reached.
     *
     * @param pending a change is waiting to be published or being published
     * @param publishedAt when the last publication finished (ISO-8601), or null before the first
     * @param files files shared with everyone that the last publication covered
     * @param indexServers index servers configured
     * @param indexServersReached of them, how many acknowledged the last publication
     * @param dhtRecords DHT provider records (keywords and roots) this node provides, or -1 without a DHT
     * @param error why part of the last publication failed, or null
     */
    record Status(
            boolean pending,
            @Nullable String publishedAt,
            int files,
            int indexServers,
            int indexServersReached,
            int dhtRecords,
            @Nullable String error) {}

    private final ShareIndex index;
    private final FloodService flood;
    private final @Nullable DirectoryClient directory;
    private final @Nullable KeywordService keywords;
    private final ScheduledExecutorService timer;
    private final ExecutorService work;
    private final EventBus events;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Object publishing = new Object();
    private volatile boolean running;
    private volatile Status last;
    private volatile boolean closed;

    SharePublisher(
            ShareIndex index,
            FloodService flood,
            @Nullable DirectoryClient directory,
            @Nullable KeywordService keywords,
            ScheduledExecutorService timer,
            ExecutorService work,
            EventBus events) {
        this.index = index;
        this.flood = flood;
        this.directory = directory;
        this.keywords = keywords;
        this.timer = timer;
        this.work = work;
        this.events = events;
        this.last = new Status(false, null, 0, servers(), 0, keywords == null ? -1 : 0, null);
    }

    private int servers() {
        DirectoryClient dc = directory;
        return dc == null ? 0 : dc.servers().size();
    }

    /** The shares changed: publish soon. */
    void changed() {
        if (closed || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            timer.schedule(() -> work.execute(this::publish), DELAY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            scheduled.set(false); // shutting down
        }
    }

    Status status() {
        Status s = last;
        boolean pending = scheduled.get() || running;
        return pending == s.pending()
                ? s
                : new Status(
                        pending,
                        s.publishedAt(),
                        s.files(),
                        s.indexServers(),
                        s.indexServersReached(),
                        s.dhtRecords(),
                        s.error());
    }

    void close() {
        closed = true;
    }

    private void publish() {
        synchronized (publishing) {
            running = true;
            scheduled.set(false); // a change from now on publishes again
            try {
                if (!closed) {
                    last = publishNow();
                    events.publish("published", last);
                }
            } finally {
                running = false;
            }
        }
    }

    private Status publishNow() {
        String error = null;
        int files = 0;
        try {
            files = everyoneFiles();
        } catch (IOException e) {
            error = "cannot read the share index: " + e.getMessage();
        }
        try {
            flood.refreshTable();
        } catch (IOException | RuntimeException e) {
            log.debug("QRP table refresh failed: {}", e.toString());
        }
        int reached = 0;
        DirectoryClient dc = directory;
        if (dc != null) {
            reached = dc.publish();
            if (reached < dc.servers().size()) {
                error = "reached " + reached + " of " + dc.servers().size() + " index servers";
            }
        }
        int records = -1;
        KeywordService ks = keywords;
        if (ks != null) {
            try {
                records = ks.publish();
                log.debug("published {} DHT keyword records", records);
            } catch (IOException | RuntimeException e) {
                log.info("cannot publish DHT keywords: {}", e.getMessage());
                error = "cannot publish DHT keywords: " + e.getMessage();
                records = 0;
            }
        }
        return new Status(false, Instant.now().toString(), files, servers(), reached, records, error);
    }

    /** The files the overlay may learn of: those in shares open to everyone. */
    private int everyoneFiles() throws IOException {
        int n = 0;
        for (Share share : index.shares()) {
            if (share.access() instanceof ShareAccess.Everyone) {
                n += index.files(share.id()).size();
            }
        }
        return n;
    }
}
