package io.servent.p2p.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * When to dial each of a set of targets (bootstrap addresses, known peers) again: at once when
 * added, after a {@link Backoff} when a dial fails, and when a connection is lost either at once —
 * if it had been up for at least {@code stableAfter} — or after a backoff, so a peer that accepts
 * and then drops us at once is redialed ever more slowly rather than in a loop. Only a connection
 * that stayed up that long forgets the failures.
 *
 * <p>Sans-I/O: it is told what happened and when ({@link System#nanoTime()}-style nanoseconds,
 * compared overflow-safely) and says which targets are due. Not thread-safe: its owner guards it.
 *
 * @param <K> what is dialed
 */
final class RedialSchedule<K> {
    private final Backoff backoff;
    private final long stableAfterNanos;
    private final RandomGenerator random;
    private final Map<K, Entry> entries = new HashMap<>();

    private static final class Entry {
        int failures;
        /** Waiting for its next attempt (not connected, not being dialed). */
        boolean waiting = true;

        long nextAt;
        boolean connected;
        long connectedAt;
    }

    /** What the schedule knows about one target, for status reports (no failures while connected). */
    record Status(int failures, boolean connected, boolean dialing, OptionalLong nextAttemptAt) {}

    RedialSchedule(Backoff backoff, long stableAfterNanos, RandomGenerator random) {
        this.backoff = backoff;
        this.stableAfterNanos = stableAfterNanos;
        this.random = random;
    }

    /** Starts tracking {@code key}, due at once. Does nothing if it is tracked already. */
    void add(K key, long now) {
        entries.computeIfAbsent(key, k -> {
            Entry e = new Entry();
            e.nextAt = now;
            return e;
        });
    }

    void remove(K key) {
        entries.remove(key);
    }

    boolean contains(K key) {
        return entries.containsKey(key);
    }

    /** The targets due at {@code now}, now marked as being dialed until {@link #connected} or {@link #failed}. */
    List<K> due(long now) {
        List<K> out = new ArrayList<>();
        entries.forEach((key, e) -> {
            if (e.waiting && now - e.nextAt >= 0) {
                e.waiting = false;
                out.add(key);
            }
        });
        return out;
    }

    /** Whether {@code key} may be dialed now: untracked, or tracked and due. Does not mark it. */
    boolean ready(K key, long now) {
        Entry e = entries.get(key);
        return e == null || (e.waiting && now - e.nextAt >= 0);
    }

    /**
     * Starts a dial of {@code key} if it may be dialed now (tracking it if it was not): true if the
     * caller should dial, and must then report {@link #connected} or {@link #failed}.
     */
    boolean tryBegin(K key, long now) {
        add(key, now);
        Entry e = entries.get(key);
        if (e == null || !e.waiting || now - e.nextAt < 0) {
            return false;
        }
        e.waiting = false;
        return true;
    }

    /** A dial succeeded, or a connection to the target appeared by itself. */
    void connected(K key, long now) {
        Entry e = entries.get(key);
        if (e != null) {
            e.waiting = false;
            e.connected = true;
            e.connectedAt = now;
        }
    }

    void failed(K key, long now) {
        Entry e = entries.get(key);
        if (e != null) {
            e.connected = false;
            backOff(e, now);
        }
    }

    /** The last connection to the target closed. */
    void lost(K key, long now) {
        Entry e = entries.get(key);
        if (e == null || !e.connected) {
            return;
        }
        e.connected = false;
        if (now - e.connectedAt >= stableAfterNanos) {
            e.failures = 0;
            e.waiting = true;
            e.nextAt = now;
        } else {
            backOff(e, now);
        }
    }

    private void backOff(Entry e, long now) {
        e.failures = Math.min(e.failures + 1, Integer.MAX_VALUE - 1);
        e.waiting = true;
        e.nextAt = now + backoff.delayNanos(e.failures, random);
    }

    /** When the next target falls due, if any is waiting. */
    OptionalLong nextDue() {
        boolean any = false;
        long next = 0;
        for (Entry e : entries.values()) {
            if (e.waiting && (!any || e.nextAt - next < 0)) {
                next = e.nextAt;
                any = true;
            }
        }
        return any ? OptionalLong.of(next) : OptionalLong.empty();
    }

    Status status(K key) {
        Entry e = entries.get(key);
        if (e == null) {
            return new Status(0, false, false, OptionalLong.empty());
        }
        return new Status(
                e.connected ? 0 : e.failures,
                e.connected,
                !e.waiting && !e.connected,
                e.waiting ? OptionalLong.of(e.nextAt) : OptionalLong.empty());
    }

    int size() {
        return entries.size();
    }

    /** Forgets targets that {@code keep} rejects and that are not being dialed (bounds the map). */
    void retainAll(Predicate<K> keep) {
        entries.entrySet()
                .removeIf(en -> !keep.test(en.getKey()) && (en.getValue().waiting || en.getValue().connected));
    }
}
