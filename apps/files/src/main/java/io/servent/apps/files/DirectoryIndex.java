package io.servent.apps.files;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An index server's state, sans-I/O: who published what, and a word index over the published paths
 * for prefix queries. Publications are checked for order ({@link DirectoryWire.Update}s carry a
 * sequence number: a full one must be newer than anything before, an incremental one exactly the
 * next) and time (a publication far from the server's clock is refused, so an old one cannot be
 * replayed after the server forgot its sequence); a publisher silent for longer than the TTL is
 * forgotten. Everything is bounded: publishers, entries per publisher, entries in total.
 *
 * <p>Not thread-safe: {@link DirectoryServer} guards it.
 */
final class DirectoryIndex {
    /** A refused publication; {@code expectedSeq} says where the publisher's sequence stands (0: none). */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final long expectedSeq;

        Rejected(String message, long expectedSeq) {
            super(message, null, false, false);
            this.expectedSeq = expectedSeq;
        }
    }

    /** One published file, with who published it. */
    record Hit(DirectoryEntry entry, PeerId provider, List<Multiaddr> addrs) {}

    private record Ref(PeerId publisher, DirectoryEntry entry) {}

    private record Key(io.servent.p2p.api.Cid root, String path) {}

    private static final class Publisher {
        long seq;
        long lastMillis;
        List<Multiaddr> addrs = List.of();
        final Map<Key, DirectoryEntry> entries = new LinkedHashMap<>();
    }

    private final DirectoryConfig config;
    private final Map<PeerId, Publisher> publishers = new HashMap<>();
    private final TreeMap<String, Set<Ref>> words = new TreeMap<>();
    private int total;

    DirectoryIndex(DirectoryConfig config) {
        this.config = config;
    }

    /** Applies a verified publication; returns the publisher's entry count. */
    int apply(DirectoryWire.Update u, long nowMillis) throws Rejected {
        expire(nowMillis);
        long skew = config.maxClockSkew().toMillis();
        if (u.timestampMillis() < nowMillis - skew || u.timestampMillis() > nowMillis + skew) {
            throw new Rejected(
                    "publication time " + u.timestampMillis() + " is more than " + skew + " ms from the server's "
                            + nowMillis,
                    0);
        }
        Publisher p = publishers.get(u.publisher());
        if (p == null) {
            if (!u.full()) {
                throw new Rejected(
                        "an incremental update from a publisher the server does not know: publish in full", 0);
            }
            if (publishers.size() >= config.maxPublishers()) {
                throw new Rejected("the server holds the most publishers it may (" + config.maxPublishers() + ")", 0);
            }
        } else if (u.full() ? u.seq() <= p.seq : u.seq() != p.seq + 1) {
            throw new Rejected(
                    "sequence " + u.seq() + (u.full() ? " is not after " + p.seq : " does not follow " + p.seq),
                    p.seq + 1);
        }
        // Check the whole update before changing anything.
        Set<Key> after = new HashSet<>(u.full() || p == null ? Set.of() : p.entries.keySet());
        for (DirectoryEntry e : u.remove()) {
            after.remove(new Key(e.root(), e.path()));
        }
        for (DirectoryEntry e : u.add()) {
            after.add(new Key(e.root(), e.path()));
        }
        int before = p == null ? 0 : p.entries.size();
        if (after.size() > config.maxEntriesPerPublisher()) {
            throw new Rejected(
                    "the publisher would have " + after.size() + " entries (max " + config.maxEntriesPerPublisher()
                            + ")",
                    p == null ? 0 : p.seq + 1);
        }
        if (total - before + after.size() > config.maxEntries()) {
            throw new Rejected("the server is full (" + config.maxEntries() + " entries)", p == null ? 0 : p.seq + 1);
        }
        if (p == null) {
            p = new Publisher();
            publishers.put(u.publisher(), p);
        } else if (u.full()) {
            clear(u.publisher(), p);
        }
        for (DirectoryEntry e : u.remove()) {
            DirectoryEntry old = p.entries.remove(new Key(e.root(), e.path()));
            if (old != null) {
                unindex(u.publisher(), old);
            }
        }
        for (DirectoryEntry e : u.add()) {
            DirectoryEntry old = p.entries.put(new Key(e.root(), e.path()), e);
            if (old != null) {
                unindex(u.publisher(), old);
            }
            index(u.publisher(), e);
        }
        p.seq = u.seq();
        p.lastMillis = nowMillis;
        if (!u.addrs().isEmpty()) {
            p.addrs = List.copyOf(u.addrs());
        }
        return p.entries.size();
    }

    /** Entries matching {@code query}, at most {@code limit}; never those of {@code exclude}. */
    List<Hit> query(FileQuery query, int limit, PeerId exclude, long nowMillis) {
        expire(nowMillis);
        String longest = "";
        for (String w : query.words()) {
            String f = SearchKeywords.fold(w);
            if (f.length() > longest.length()) {
                longest = f;
            }
        }
        List<Hit> out = new ArrayList<>();
        Set<Ref> seen = new HashSet<>();
        for (Set<Ref> refs : words.subMap(longest, true, longest + Character.MAX_VALUE, false)
                .values()) {
            for (Ref r : refs) {
                if (out.size() >= limit) {
                    return out;
                }
                if (r.publisher().equals(exclude) || !seen.add(r)) {
                    continue;
                }
                DirectoryEntry e = r.entry();
                if (SearchKeywords.passesFilters(query, e.path(), e.size())
                        && SearchKeywords.matches(query, SearchKeywords.words(e.path()))) {
                    Publisher p = publishers.get(r.publisher());
                    out.add(new Hit(e, r.publisher(), p == null ? List.of() : p.addrs));
                }
            }
        }
        return out;
    }

    /** Forgets publishers silent for longer than the TTL. */
    void expire(long nowMillis) {
        long ttl = config.publisherTtl().toMillis();
        Iterator<Map.Entry<PeerId, Publisher>> it = publishers.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<PeerId, Publisher> e = it.next();
            if (nowMillis - e.getValue().lastMillis > ttl) {
                clear(e.getKey(), e.getValue());
                it.remove();
            }
        }
    }

    int publishers() {
        return publishers.size();
    }

    int entries() {
        return total;
    }

    int entries(PeerId publisher) {
        Publisher p = publishers.get(publisher);
        return p == null ? 0 : p.entries.size();
    }

    private void clear(PeerId id, Publisher p) {
        for (DirectoryEntry e : p.entries.values()) {
            unindex(id, e);
        }
        p.entries.clear();
    }

    private void index(PeerId publisher, DirectoryEntry e) {
        Ref r = new Ref(publisher, e);
        for (String w : SearchKeywords.words(e.path())) {
            words.computeIfAbsent(w, k -> new HashSet<>()).add(r);
        }
        total++;
    }

    private void unindex(PeerId publisher, DirectoryEntry e) {
        Ref r = new Ref(publisher, e);
        for (String w : SearchKeywords.words(e.path())) {
            Set<Ref> refs = words.get(w);
            if (refs != null && refs.remove(r) && refs.isEmpty()) {
                words.remove(w);
            }
        }
        total--;
    }
}
