package io.servent.p2p.kad;

import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The Kademlia routing table: k-buckets indexed by the common-prefix length (CPL) of a peer's key
 * with the local key, each with a replacement cache. Buckets are created lazily up to the deepest CPL
 * seen, which holds exactly the peers the spec's lazily split table would.
 *
 * <p>A full bucket never drops a member for a newcomer on its own: the newcomer waits in the
 * replacement cache, and if the least recently seen member has not been heard from for {@code
 * livenessCheckAfter}, the table asks its owner to check it ({@link Insertion.Pending#check()}). Only
 * a failed check ({@link #livenessChecked}), repeated request failures ({@link #recordFailure}) or an
 * explicit {@link #remove} evicts a member, and the freshest cached candidate takes its slot. This is
 * the spec's (and the Kademlia paper's) preference for old, proven peers, which resists flooding.
 *
 * <p>{@link KadIpDiversity} caps how many members one IP group may have per bucket and in the table.
 *
 * <p>Sans-I/O: every method takes {@code now} and returns what the owner must do. Not thread-safe;
 * its owner guards it (in {@link KadDht}, one lock never held across I/O).
 */
public final class KadRoutingTable {
    /** CPLs above this are not refreshed: a random key with a longer shared prefix costs too many hashes. */
    static final int MAX_REFRESH_CPL = 15;

    /** What {@link #offer} did with a peer. */
    public sealed interface Insertion {
        PeerId peer();

        /** The peer took a free slot. */
        record Added(PeerId peer) implements Insertion {}

        /** The peer was a member already; it is now the most recently seen of its bucket. */
        record Updated(PeerId peer) implements Insertion {}

        /**
         * The bucket is full; the peer waits in the replacement cache. If {@code check} is present,
         * the owner should check that member's liveness and report with {@link #livenessChecked}.
         */
        record Pending(PeerId peer, Optional<PeerId> check) implements Insertion {}

        /** The peer may not join (itself, or over an IP-diversity limit). */
        record Rejected(PeerId peer, String reason) implements Insertion {}
    }

    private static final class Entry {
        final PeerId peer;
        final KadKey key;
        final long[] groups;
        long lastSeenMillis;
        int failures;
        boolean checking;

        Entry(PeerId peer, KadKey key, long[] groups, long lastSeenMillis) {
            this.peer = peer;
            this.key = key;
            this.groups = groups;
            this.lastSeenMillis = lastSeenMillis;
        }
    }

    private static final class Bucket {
        /** Least recently seen first. */
        final ArrayList<Entry> members = new ArrayList<>();
        /** Oldest candidate first. */
        final ArrayDeque<Entry> replacements = new ArrayDeque<>();
    }

    private final PeerId self;
    private final KadKey selfKey;
    private final int k;
    private final int replacementCacheSize;
    private final int maxFailures;
    private final KadIpDiversity diversity;
    private final long livenessCheckAfterMillis;
    private final ArrayList<Bucket> buckets = new ArrayList<>();
    private final Map<PeerId, Entry> members = new HashMap<>();
    private final Map<Long, Integer> groupCounts = new HashMap<>();
    private final long[] lastRefreshMillis = new long[MAX_REFRESH_CPL + 1];

    public KadRoutingTable(
            PeerId self,
            int k,
            int replacementCacheSize,
            int maxFailures,
            KadIpDiversity diversity,
            Duration livenessCheckAfter) {
        this.self = self;
        this.selfKey = KadKey.of(self);
        this.k = k;
        this.replacementCacheSize = replacementCacheSize;
        this.maxFailures = maxFailures;
        this.diversity = diversity;
        this.livenessCheckAfterMillis = livenessCheckAfter.toMillis();
    }

    /** A table with the parameters of {@code config}. */
    public static KadRoutingTable of(PeerId self, KadConfig config) {
        return new KadRoutingTable(
                self,
                config.k(),
                config.replacementCacheSize(),
                config.maxFailures(),
                config.ipDiversity(),
                config.livenessCheckAfter());
    }

    public PeerId self() {
        return self;
    }

    public KadKey selfKey() {
        return selfKey;
    }

    /**
     * Offers a peer known to serve the DHT (it answered us, or identify says it speaks the protocol).
     *
     * @param groups its IP groups ({@link KadIpGroups#of}); empty if it has no IP addresses
     */
    public Insertion offer(PeerId peer, long[] groups, Instant now) {
        if (peer.equals(self)) {
            return new Insertion.Rejected(peer, "it is this node");
        }
        long nowMillis = now.toEpochMilli();
        Entry member = members.get(peer);
        if (member != null) {
            touch(bucketOf(member.key), member, nowMillis);
            return new Insertion.Updated(peer);
        }
        KadKey key = KadKey.of(peer);
        int cpl = selfKey.commonPrefixLength(key);
        Bucket bucket = bucket(cpl);
        String refusal = diversityRefusal(bucket, cpl, groups);
        if (refusal != null) {
            bucket.replacements.removeIf(e -> e.peer.equals(peer));
            return new Insertion.Rejected(peer, refusal);
        }
        if (bucket.members.size() < k) {
            bucket.replacements.removeIf(e -> e.peer.equals(peer));
            admit(bucket, new Entry(peer, key, groups, nowMillis));
            return new Insertion.Added(peer);
        }
        bucket.replacements.removeIf(e -> e.peer.equals(peer));
        if (bucket.replacements.size() >= replacementCacheSize) {
            bucket.replacements.removeFirst();
        }
        bucket.replacements.addLast(new Entry(peer, key, groups, nowMillis));
        Entry oldest = bucket.members.get(0);
        if (oldest.checking || nowMillis - oldest.lastSeenMillis < livenessCheckAfterMillis) {
            return new Insertion.Pending(peer, Optional.empty());
        }
        oldest.checking = true;
        return new Insertion.Pending(peer, Optional.of(oldest.peer));
    }

    /** Why {@code groups} may not join {@code bucket}, or null. */
    private @Nullable String diversityRefusal(Bucket bucket, int cpl, long[] groups) {
        for (long group : groups) {
            int inTable = groupCounts.getOrDefault(group, 0);
            if (inTable >= diversity.maxPerTable()) {
                return "IP group " + KadIpGroups.describe(group) + " already has " + inTable
                        + " peers in the routing table (maxPerTable = " + diversity.maxPerTable() + ")";
            }
            int inBucket = 0;
            for (Entry e : bucket.members) {
                for (long g : e.groups) {
                    if (g == group) {
                        inBucket++;
                    }
                }
            }
            if (inBucket >= diversity.maxPerBucket()) {
                return "IP group " + KadIpGroups.describe(group) + " already has " + inBucket + " peers in bucket "
                        + cpl + " (maxPerBucket = " + diversity.maxPerBucket() + ")";
            }
        }
        return null;
    }

    private void admit(Bucket bucket, Entry entry) {
        bucket.members.add(entry);
        members.put(entry.peer, entry);
        for (long g : entry.groups) {
            groupCounts.merge(g, 1, Integer::sum);
        }
    }

    private static void touch(Bucket bucket, Entry entry, long nowMillis) {
        entry.lastSeenMillis = Math.max(entry.lastSeenMillis, nowMillis);
        entry.failures = 0;
        entry.checking = false;
        bucket.members.remove(entry);
        bucket.members.add(entry);
    }

    /** A member answered a request: it is alive and now the most recently seen of its bucket. */
    public void recordSuccess(PeerId peer, Instant now) {
        Entry member = members.get(peer);
        if (member != null) {
            touch(bucketOf(member.key), member, now.toEpochMilli());
        }
    }

    /**
     * A request to a member failed. After {@code maxFailures} consecutive failures it is evicted.
     *
     * @return the candidate promoted into its slot, if it was evicted and one was waiting
     */
    public Optional<PeerId> recordFailure(PeerId peer) {
        Entry member = members.get(peer);
        if (member == null || ++member.failures < maxFailures) {
            return Optional.empty();
        }
        return remove(peer);
    }

    /**
     * The result of a liveness check {@link #offer} asked for.
     *
     * @return the candidate promoted, if the member was dead and evicted
     */
    public Optional<PeerId> livenessChecked(PeerId peer, boolean alive, Instant now) {
        Entry member = members.get(peer);
        if (member == null) {
            return Optional.empty();
        }
        member.checking = false;
        if (alive) {
            touch(bucketOf(member.key), member, now.toEpochMilli());
            return Optional.empty();
        }
        return remove(peer);
    }

    /**
     * Removes a member (it stopped serving the DHT, or failed), and promotes the freshest waiting
     * candidate of its bucket that the diversity limits admit. Candidates are dropped from the caches
     * too.
     *
     * @return the promoted candidate
     */
    public Optional<PeerId> remove(PeerId peer) {
        KadKey key = KadKey.of(peer);
        int cpl = selfKey.commonPrefixLength(key);
        if (cpl >= buckets.size()) {
            return Optional.empty();
        }
        Bucket bucket = buckets.get(cpl);
        Entry member = members.remove(peer);
        if (member == null) {
            bucket.replacements.removeIf(e -> e.peer.equals(peer));
            return Optional.empty();
        }
        bucket.members.remove(member);
        for (long g : member.groups) {
            groupCounts.computeIfPresent(g, (group, n) -> n <= 1 ? null : n - 1);
        }
        Iterator<Entry> newestFirst = bucket.replacements.descendingIterator();
        while (newestFirst.hasNext()) {
            Entry candidate = newestFirst.next();
            newestFirst.remove();
            if (diversityRefusal(bucket, cpl, candidate.groups) == null) {
                candidate.failures = 0;
                candidate.checking = false;
                admit(bucket, candidate);
                return Optional.of(candidate.peer);
            }
        }
        return Optional.empty();
    }

    public boolean contains(PeerId peer) {
        return members.containsKey(peer);
    }

    public int size() {
        return members.size();
    }

    /** Every member, in no particular order. */
    public List<PeerId> peers() {
        return List.copyOf(members.keySet());
    }

    /** The {@code count} members closest to {@code target}, closest first, skipping {@code exclude}. */
    public List<PeerId> closest(KadKey target, int count, Predicate<PeerId> exclude) {
        if (count <= 0) {
            return List.of();
        }
        // Every FIND_NODE answer asks this, so keep only the best `count` in a bounded max-heap
        // (farthest on top) instead of sorting the whole table: O(n log count), not O(n log n).
        Comparator<Entry> byDistance = (a, b) -> target.compareDistance(a.key, b.key);
        PriorityQueue<Entry> best = new PriorityQueue<>(Math.min(count, members.size()) + 1, byDistance.reversed());
        for (Entry e : members.values()) {
            Entry worst = best.peek();
            if (best.size() == count && worst != null && byDistance.compare(e, worst) >= 0) {
                continue;
            }
            if (exclude.test(e.peer)) {
                continue;
            }
            best.add(e);
            if (best.size() > count) {
                best.poll();
            }
        }
        Entry[] sorted = best.toArray(new Entry[0]);
        Arrays.sort(sorted, byDistance);
        List<PeerId> result = new ArrayList<>(sorted.length);
        for (Entry e : sorted) {
            result.add(e.peer);
        }
        return result;
    }

    public List<PeerId> closest(KadKey target, int count) {
        return closest(target, count, p -> false);
    }

    /** Members per bucket, index = common-prefix length, up to the deepest non-empty bucket. */
    public List<Integer> bucketSizes() {
        int last = buckets.size() - 1;
        while (last >= 0 && buckets.get(last).members.isEmpty()) {
            last--;
        }
        List<Integer> sizes = new ArrayList<>(last + 1);
        for (int i = 0; i <= last; i++) {
            sizes.add(buckets.get(i).members.size());
        }
        return sizes;
    }

    /** Members not heard from for {@code age}, for the periodic liveness sweep, oldest first. */
    public List<PeerId> stalePeers(Instant now, Duration age) {
        long cutoff = now.toEpochMilli() - age.toMillis();
        return members.values().stream()
                .filter(e -> e.lastSeenMillis < cutoff && !e.checking)
                .sorted(Comparator.comparingLong(e -> e.lastSeenMillis))
                .map(e -> e.peer)
                .toList();
    }

    /** Notes a lookup for {@code key}, which refreshes the bucket it falls in. */
    public void markLookup(KadKey key, Instant now) {
        int cpl = selfKey.commonPrefixLength(key);
        if (cpl <= MAX_REFRESH_CPL) {
            lastRefreshMillis[cpl] = now.toEpochMilli();
        }
    }

    /**
     * CPLs whose bucket saw no lookup for {@code interval}: every CPL up to one past the deepest
     * non-empty bucket (where unknown peers may still be), at most {@link #MAX_REFRESH_CPL}.
     */
    public List<Integer> bucketsToRefresh(Instant now, Duration interval) {
        int deepest = bucketSizes().size();
        int max = Math.min(deepest, MAX_REFRESH_CPL);
        long cutoff = now.toEpochMilli() - interval.toMillis();
        List<Integer> due = new ArrayList<>();
        for (int cpl = 0; cpl <= max; cpl++) {
            if (lastRefreshMillis[cpl] <= cutoff) {
                due.add(cpl);
            }
        }
        return due;
    }

    /**
     * A rough network-size estimate from how densely the members closest to this node fill the key
     * space: in a network of n uniformly spread keys the i-th closest sits at a normalised distance
     * of about i / n, so n is fitted by least squares over up to k members, n = Σi² / Σ(i·dᵢ). It is
     * only as good as the table's view of its neighbourhood (after a self-lookup it holds the true
     * nearest peers). 0 for an empty table.
     */
    public long estimateNetworkSize() {
        List<PeerId> nearest = closest(selfKey, k);
        if (nearest.isEmpty()) {
            return 0;
        }
        double squares = 0;
        double weighted = 0;
        for (int i = 0; i < nearest.size(); i++) {
            double rank = i + 1;
            squares += rank * rank;
            weighted += rank * selfKey.normalizedDistance(KadKey.of(nearest.get(i)));
        }
        long estimate = weighted <= 0 ? Long.MAX_VALUE : Math.round(Math.min(squares / weighted, 0x1p62));
        return Math.max(estimate, members.size() + 1);
    }

    /**
     * A random lookup key that falls in bucket {@code cpl}: a sha2-256-form PeerId (so every
     * implementation accepts it in FIND_NODE) whose key shares exactly {@code cpl} leading bits with
     * this node's. SHA-256 cannot be inverted, so this draws until one fits: about 2^(cpl+1) hashes.
     */
    public byte[] randomKeyInBucket(int cpl, RandomGenerator random) {
        if (cpl < 0 || cpl > MAX_REFRESH_CPL) {
            throw new IllegalArgumentException("refreshable CPLs are 0 to " + MAX_REFRESH_CPL + ", not " + cpl);
        }
        byte[] key = new byte[34];
        byte[] digest = new byte[32];
        key[0] = 0x12;
        key[1] = 0x20;
        while (true) {
            random.nextBytes(digest);
            System.arraycopy(digest, 0, key, 2, 32);
            if (selfKey.commonPrefixLength(KadKey.of(key)) == cpl) {
                return key;
            }
        }
    }

    private Bucket bucketOf(KadKey key) {
        return bucket(selfKey.commonPrefixLength(key));
    }

    private Bucket bucket(int cpl) {
        while (buckets.size() <= cpl) {
            buckets.add(new Bucket());
        }
        return buckets.get(cpl);
    }
}
