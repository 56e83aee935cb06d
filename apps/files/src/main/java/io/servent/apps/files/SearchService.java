package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.kad.KadPeer;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Search, three ways, one interface: {@link #search} runs the asked modes at once — the index
 * server ({@link DirectoryClient}), super-peer flooding ({@link FloodService}), DHT keywords ({@link
 * KeywordService}) — and streams their hits, merged by CID and ranked, to a listener. When the
 * index server cannot be reached, a search that asked only for it falls back to the other modes by
 * itself. {@link #explain} says what is known about a CID and why it can or cannot be fetched.
 * Any of the three may be absent (not configured); the others still work.
 *
 * <p>Thread-safe. Each mode runs on its own virtual thread; searches are kept (the last {@link
 * #MAX_SEARCHES}) for the control API; what searches saw of each CID is kept for explain, bounded.
 */
public final class SearchService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SearchService.class);

    public static final int MAX_SEARCHES = 100;
    static final int MAX_OBSERVED = 10_000;
    /** Hits asked of each mode per search. */
    public static final int MAX_HITS = 500;

    static final Duration REACH_TIMEOUT = Duration.ofSeconds(3);

    private final Host host;
    private final ShareIndex index;
    private final @Nullable DirectoryClient directory;
    private final @Nullable FloodService flood;
    private final @Nullable KeywordService keywords;
    private final ReputationStore reputation;
    private final AtomicLong ids = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Search> searches = new LinkedHashMap<>();
    private final LinkedHashMap<Cid, Observed> observed = new LinkedHashMap<>(64, 0.75f, true);
    private volatile boolean closed;

    /** What searches saw of one CID. */
    private static final class Observed {
        final Set<SearchMode> modes = EnumSet.noneOf(SearchMode.class);
        final Map<PeerId, Seen> providers = new LinkedHashMap<>();
    }

    private static final class Seen {
        List<Multiaddr> addrs = List.of();
        final Set<SearchMode> modes = EnumSet.noneOf(SearchMode.class);
    }

    public SearchService(
            Host host,
            ShareIndex index,
            @Nullable DirectoryClient directory,
            @Nullable FloodService flood,
            @Nullable KeywordService keywords,
            ReputationStore reputation) {
        this.host = host;
        this.index = index;
        this.directory = directory;
        this.flood = flood;
        this.keywords = keywords;
        this.reputation = reputation;
    }

    /** The modes this node can run. */
    public Set<SearchMode> available() {
        Set<SearchMode> out = EnumSet.noneOf(SearchMode.class);
        if (directory != null) {
            out.add(SearchMode.SERVER);
        }
        if (flood != null) {
            out.add(SearchMode.FLOOD);
        }
        if (keywords != null) {
            out.add(SearchMode.DHT);
        }
        return out;
    }

    /** Starts a search; hits stream to {@code listener}; the returned search fills as they come. */
    public Search search(FileQuery query, Set<SearchMode> modes, SearchListener listener) {
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("a search needs at least one mode");
        }
        if (closed) {
            throw new IllegalStateException("the search service is closed");
        }
        Search search =
                new Search("s" + ids.incrementAndGet(), query, modes, new Observing(listener), reputation::score);
        lock.lock();
        try {
            searches.put(search.id(), search);
            while (searches.size() > MAX_SEARCHES) {
                searches.remove(searches.keySet().iterator().next());
            }
        } finally {
            lock.unlock();
        }
        Set<SearchMode> run = EnumSet.copyOf(modes);
        CountDownLatch pending = new CountDownLatch(run.size());
        Thread.ofVirtual().name("search-" + search.id()).start(() -> {
            List<Thread> threads = new ArrayList<>();
            Set<SearchMode> started = EnumSet.noneOf(SearchMode.class);
            for (SearchMode m : run) {
                started.add(m);
                threads.add(Thread.ofVirtual()
                        .name("search-" + search.id() + "-" + m.wireName())
                        .start(() -> {
                            String problem = runMode(search, m);
                            search.modeDone(m, problem);
                        }));
            }
            join(threads);
            // Fallback: the server was the only way asked and it failed.
            if (run.contains(SearchMode.SERVER) && search.notes().stream().anyMatch(n -> n.startsWith("server:"))) {
                List<Thread> fallbacks = new ArrayList<>();
                for (SearchMode m : List.of(SearchMode.FLOOD, SearchMode.DHT)) {
                    if (!started.contains(m) && available().contains(m)) {
                        search.note("falling back to " + m.wireName() + " search");
                        fallbacks.add(Thread.ofVirtual().start(() -> search.modeDone(m, runMode(search, m))));
                    }
                }
                join(fallbacks);
            }
            pending.countDown();
            search.finish();
        });
        return search;
    }

    /** Runs one mode to its end; returns "" or why it failed. */
    private String runMode(Search search, SearchMode mode) {
        try {
            switch (mode) {
                case SERVER -> {
                    DirectoryClient d = directory;
                    if (d == null) {
                        throw new IOException("no index server is configured");
                    }
                    for (FileHit h : d.query(search.query(), MAX_HITS)) {
                        if (!h.provider().equals(host.peerId())) {
                            search.add(h);
                        }
                    }
                }
                case FLOOD -> {
                    FloodService f = flood;
                    if (f == null) {
                        throw new IOException("flooding is not enabled");
                    }
                    f.search(search.query(), MAX_HITS, search::add);
                }
                case DHT -> {
                    KeywordService k = keywords;
                    if (k == null) {
                        throw new IOException("the DHT is not enabled");
                    }
                    k.search(search.query(), MAX_HITS, search::add);
                }
            }
            return "";
        } catch (IOException | RuntimeException e) {
            String problem = e.getMessage() == null ? e.toString() : e.getMessage();
            search.note(mode.wireName() + ": " + problem);
            log.debug("search {}: {} failed: {}", search.id(), mode.wireName(), problem);
            return problem;
        }
    }

    private static void join(List<Thread> threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public Optional<Search> find(String id) {
        lock.lock();
        try {
            return Optional.ofNullable(searches.get(id));
        } finally {
            lock.unlock();
        }
    }

    public List<Search> searches() {
        lock.lock();
        try {
            return List.copyOf(searches.values());
        } finally {
            lock.unlock();
        }
    }

    /** Cancels and forgets a search; false if there was none. */
    public boolean remove(String id) {
        Search s;
        lock.lock();
        try {
            s = searches.remove(id);
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.cancel();
        }
        return s != null;
    }

    /** Records what hits say about their CIDs for {@link #explain}, then passes them on. */
    private final class Observing implements SearchListener {
        private final SearchListener inner;

        Observing(SearchListener inner) {
            this.inner = inner;
        }

        @Override
        public void onHit(FileHit hit, SearchResult merged) {
            observe(hit);
            inner.onHit(hit, merged);
        }

        @Override
        public void onModeDone(SearchMode mode, String problem) {
            inner.onModeDone(mode, problem);
        }

        @Override
        public void onDone(List<SearchResult> results) {
            inner.onDone(results);
        }
    }

    private void observe(FileHit hit) {
        lock.lock();
        try {
            Observed o = observed.computeIfAbsent(hit.root(), k -> new Observed());
            o.modes.add(hit.mode());
            Seen s = o.providers.get(hit.provider());
            if (s == null && o.providers.size() < Search.MAX_PROVIDERS) {
                s = new Seen();
                o.providers.put(hit.provider(), s);
            }
            if (s != null) {
                s.modes.add(hit.mode());
                if (!hit.addresses().isEmpty()) {
                    s.addrs = hit.addresses();
                }
            }
            while (observed.size() > MAX_OBSERVED) {
                observed.remove(observed.keySet().iterator().next());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Why {@code cid} can or cannot be found or downloaded: what searches saw, a live DHT lookup of
     * its providers (if the DHT is on), and whether each provider can be reached now (a connection
     * is tried, at most {@link #REACH_TIMEOUT}).
     */
    public ExplainReport explain(Cid cid) {
        Map<PeerId, Seen> providers = new LinkedHashMap<>();
        Set<SearchMode> modes = EnumSet.noneOf(SearchMode.class);
        lock.lock();
        try {
            Observed o = observed.get(cid);
            if (o != null) {
                modes.addAll(o.modes);
                o.providers.forEach((p, s) -> {
                    Seen copy = new Seen();
                    copy.addrs = s.addrs;
                    copy.modes.addAll(s.modes);
                    providers.put(p, copy);
                });
            }
        } finally {
            lock.unlock();
        }
        List<String> reasons = new ArrayList<>();
        KeywordService k = keywords;
        if (k != null) {
            try {
                for (KadPeer p : k.providers(cid, 20)) {
                    if (p.id().equals(host.peerId())) {
                        continue;
                    }
                    modes.add(SearchMode.DHT);
                    Seen s = providers.computeIfAbsent(p.id(), x -> new Seen());
                    s.modes.add(SearchMode.DHT);
                    if (s.addrs.isEmpty()) {
                        s.addrs = p.addresses();
                    }
                }
            } catch (IOException e) {
                reasons.add("The DHT lookup for providers failed: " + e.getMessage() + ".");
            }
        } else {
            reasons.add("The DHT is off, so providers could only come from searches.");
        }
        boolean local = sharedHere(cid);
        // Reachability: connected now, or a dial within the timeout.
        Map<PeerId, Boolean> reachable = new java.util.concurrent.ConcurrentHashMap<>();
        List<Thread> dials = new ArrayList<>();
        for (Map.Entry<PeerId, Seen> e : providers.entrySet()) {
            PeerId p = e.getKey();
            if (!host.connections(p).isEmpty()) {
                reachable.put(p, true);
                continue;
            }
            if (!e.getValue().addrs.isEmpty()) {
                host.peerstore().addAddresses(p, e.getValue().addrs, io.servent.p2p.api.Peerstore.TEMPORARY_TTL);
            }
            if (dials.size() < 16) {
                dials.add(Thread.ofVirtual().start(() -> {
                    try {
                        host.connect(p);
                        reachable.put(p, true);
                    } catch (IOException | RuntimeException ex) {
                        reachable.put(p, false);
                    }
                }));
            }
        }
        long deadline = System.nanoTime() + REACH_TIMEOUT.toNanos();
        for (Thread t : dials) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    t.join(Duration.ofNanos(left));
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<ExplainProvider> out = new ArrayList<>();
        int up = 0;
        for (Map.Entry<PeerId, Seen> e : providers.entrySet()) {
            PeerId p = e.getKey();
            boolean ok = reachable.getOrDefault(p, false);
            List<Connection> conns = host.connections(p);
            boolean relayed = !conns.isEmpty()
                    ? conns.stream().allMatch(c -> c.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT))
                    : !e.getValue().addrs.isEmpty()
                            && e.getValue().addrs.stream().allMatch(a -> a.has(MultiaddrProtocol.P2P_CIRCUIT));
            if (ok) {
                up++;
            }
            out.add(new ExplainProvider(p, e.getValue().addrs, e.getValue().modes, ok, relayed, reputation.score(p)));
        }
        Map<SearchMode, Boolean> seenBy = new EnumMap<>(SearchMode.class);
        for (SearchMode m : SearchMode.values()) {
            seenBy.put(m, modes.contains(m));
        }
        if (local) {
            reasons.add(0, "This node shares the file itself.");
        }
        if (providers.isEmpty()) {
            reasons.add(
                    0,
                    "No peer is known to have this file: no search has returned it"
                            + (k != null ? " and the DHT has no provider record for it." : "."));
        } else if (up == 0) {
            reasons.add(0, providers.size() + " peer(s) have it but none can be reached now.");
        } else {
            reasons.add(0, providers.size() + " peer(s) have it; " + up + " can be reached now.");
        }
        for (SearchMode m : available()) {
            if (!modes.contains(m)) {
                reasons.add("The " + m.wireName() + " mode has not seen it.");
            }
        }
        return new ExplainReport(cid, seenBy, out, local, reasons);
    }

    private boolean sharedHere(Cid cid) {
        try {
            return index.database().read(c -> {
                try (PreparedStatement p =
                        c.prepareStatement("SELECT 1 FROM shared_files WHERE root_cid = ? LIMIT 1")) {
                    p.setBytes(1, cid.bytes());
                    try (ResultSet rs = p.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Search s : searches()) {
            s.cancel();
        }
    }

    /** Waits for a search to finish (tests, the CLI's blocking mode). */
    public static boolean await(Search search, Duration timeout) throws InterruptedException {
        return search.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
