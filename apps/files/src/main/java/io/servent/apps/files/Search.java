package io.servent.apps.files;

import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;

/**
 * One running or finished search: its hits merged by CID into ranked {@link SearchResult}s (REST:
 * {@code /searches/{id}}). Thread-safe: modes add hits from their threads under one lock, which also
 * serialises the listener's calls.
 */
public final class Search {
    /** Names and providers kept per CID (a hostile swarm cannot grow a result without bound). */
    static final int MAX_NAMES = 16;

    static final int MAX_PROVIDERS = 200;
    static final int MAX_RESULTS = 5000;

    public enum State {
        RUNNING,
        DONE
    }

    private final String id;
    private final FileQuery query;
    private final Set<SearchMode> modes;
    private final SearchListener listener;
    private final ToDoubleFunction<PeerId> reputation;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Cid, Merged> merged = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean cancelled;

    private static final class Merged {
        final Map<String, Integer> names = new LinkedHashMap<>();
        final Map<Long, Integer> sizes = new LinkedHashMap<>();
        final Map<PeerId, List<Multiaddr>> providers = new LinkedHashMap<>();
        final Set<SearchMode> modes = EnumSet.noneOf(SearchMode.class);
    }

    Search(
            String id,
            FileQuery query,
            Set<SearchMode> modes,
            SearchListener listener,
            ToDoubleFunction<PeerId> reputation) {
        this.id = id;
        this.query = query;
        this.modes = Set.copyOf(modes);
        this.listener = listener;
        this.reputation = reputation;
    }

    public String id() {
        return id;
    }

    public FileQuery query() {
        return query;
    }

    /** The modes asked for (a fallback may add others; see {@link #notes()}). */
    public Set<SearchMode> modes() {
        return modes;
    }

    public State state() {
        return done.getCount() == 0 ? State.DONE : State.RUNNING;
    }

    /** Sentences about what happened (a mode failed, a fallback ran). */
    public List<String> notes() {
        lock.lock();
        try {
            return List.copyOf(notes);
        } finally {
            lock.unlock();
        }
    }

    /** Stops adding hits; modes still running finish in the background. */
    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Waits until every mode finished; false on timeout. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    /** Every result, best first. */
    public List<SearchResult> results() {
        lock.lock();
        try {
            List<SearchResult> out = new ArrayList<>(merged.size());
            for (Map.Entry<Cid, Merged> e : merged.entrySet()) {
                out.add(result(e.getKey(), e.getValue()));
            }
            out.sort(Comparator.comparingDouble(SearchResult::score).reversed());
            return out;
        } finally {
            lock.unlock();
        }
    }

    void note(String sentence) {
        lock.lock();
        try {
            notes.add(sentence);
        } finally {
            lock.unlock();
        }
    }

    /** Adds a hit; false if it was dropped (cancelled, or the search is full). */
    boolean add(FileHit hit) {
        if (cancelled) {
            return false;
        }
        lock.lock();
        try {
            Merged m = merged.get(hit.root());
            if (m == null) {
                if (merged.size() >= MAX_RESULTS) {
                    return false;
                }
                m = new Merged();
                merged.put(hit.root(), m);
            }
            if (m.names.size() < MAX_NAMES || m.names.containsKey(hit.name())) {
                m.names.merge(hit.name(), 1, Integer::sum);
            }
            if (m.sizes.size() < MAX_NAMES || m.sizes.containsKey(hit.size())) {
                m.sizes.merge(hit.size(), 1, Integer::sum);
            }
            if (m.providers.size() < MAX_PROVIDERS) {
                m.providers.merge(hit.provider(), hit.addresses(), (a, b) -> a.isEmpty() ? b : a);
            }
            m.modes.add(hit.mode());
            listener.onHit(hit, result(hit.root(), m));
            return true;
        } finally {
            lock.unlock();
        }
    }

    void modeDone(SearchMode mode, String problem) {
        lock.lock();
        try {
            listener.onModeDone(mode, problem);
        } finally {
            lock.unlock();
        }
    }

    void finish() {
        List<SearchResult> all = results();
        lock.lock();
        try {
            listener.onDone(all);
        } finally {
            lock.unlock();
            done.countDown();
        }
    }

    private SearchResult result(Cid cid, Merged m) {
        String name = mostCommon(m.names, "");
        long size = mostCommon(m.sizes, 0L);
        String fileName = name.substring(name.lastIndexOf('/') + 1);
        FileType type = FileType.ANY;
        for (FileType t : FileType.values()) {
            if (t != FileType.ANY && t.matches(fileName)) {
                type = t;
                break;
            }
        }
        double rep = 0;
        for (PeerId p : m.providers.keySet()) {
            rep += reputation.applyAsDouble(p);
        }
        rep = m.providers.isEmpty() ? 0 : rep / m.providers.size();
        double score = 10 * Math.log1p(m.providers.size()) + 5 * nameMatch(fileName) + 20 * rep;
        return new SearchResult(
                cid,
                name,
                List.copyOf(m.names.keySet()),
                size,
                type,
                List.copyOf(m.providers.keySet()),
                m.modes,
                score);
    }

    /** 1 when every query word is a whole word of the name, less for prefixes only. */
    private double nameMatch(String fileName) {
        List<String> words = SearchKeywords.words(fileName);
        double s = 0;
        for (String q : query.words()) {
            String f = SearchKeywords.fold(q);
            if (words.contains(f)) {
                s += 1;
            } else if (words.stream().anyMatch(w -> w.startsWith(f))) {
                s += 0.5;
            }
        }
        return s / query.words().size();
    }

    /** Providers and their addresses for a CID (for downloads). */
    public Map<PeerId, List<Multiaddr>> providers(Cid cid) {
        lock.lock();
        try {
            Merged m = merged.get(cid);
            return m == null ? Map.of() : Map.copyOf(m.providers);
        } finally {
            lock.unlock();
        }
    }

    private static <T> T mostCommon(Map<T, Integer> counts, T fallback) {
        T best = fallback;
        int n = 0;
        for (Map.Entry<T, Integer> e : counts.entrySet()) {
            if (e.getValue() > n) {
                best = e.getKey();
                n = e.getValue();
            }
        }
        return best;
    }
}
