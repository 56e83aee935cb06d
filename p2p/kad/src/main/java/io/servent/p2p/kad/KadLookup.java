package io.servent.p2p.kad;

import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The iterative lookup of the spec as a sans-I/O state machine: feed it responses, failures and the
 * time, and it says whom to ask next and when it is done.
 *
 * <p>A lookup terminates when the k closest peers it has seen that did not fail have all answered
 * (the spec's rule; fewer than k if it knows fewer), when its deadline passes, or when {@link
 * #cancel} stops it (e.g. the target was found). Each request gets {@code requestTimeout}; a peer that
 * exceeds it is skipped like a failed one (its answer still counts if it arrives before the end). At
 * most α requests per path are in flight, but one unanswered for a quarter of its timeout no longer
 * holds its slot, so a few slow peers cannot stall a lookup for a whole timeout per round (at most k
 * requests per path are ever in flight).
 *
 * <p>With {@code paths > 1} it runs the S/Kademlia disjoint-path lookup: the seeds are dealt out to
 * the paths in distance order, every peer belongs to the path that heard of it first, and a path only
 * follows the peers its own members returned, so an adversary on one path cannot steer the others.
 * The result merges the paths.
 *
 * <p>Bounded: at most {@link #MAX_CANDIDATES_PER_K} × k candidates are kept per path (the farthest
 * uncontacted ones are dropped) and at most {@link #MAX_REQUESTS} requests are made. Not thread-safe;
 * one thread drives it.
 */
public final class KadLookup {
    static final int MAX_CANDIDATES_PER_K = 4;
    static final int MAX_REQUESTS = 512;
    /** A request unanswered for {@code requestTimeout / SLOW_FRACTION} stops holding an α slot. */
    static final int SLOW_FRACTION = 4;

    enum State {
        NOT_CONTACTED,
        IN_FLIGHT,
        SUCCEEDED,
        FAILED,
        TIMED_OUT
    }

    private static final class Candidate {
        final PeerId peer;
        final KadKey key;
        final int path;
        final int hop;
        State state = State.NOT_CONTACTED;
        Instant sentAt = Instant.MIN;

        Candidate(PeerId peer, KadKey key, int path, int hop) {
            this.peer = peer;
            this.key = key;
            this.path = path;
            this.hop = hop;
        }

        boolean live() {
            return state != State.FAILED && state != State.TIMED_OUT;
        }
    }

    /** Counters for logs and tests. {@code hops} is the request round at which the closest result was reached. */
    public record Stats(int requests, int succeeded, int failed, int timedOut, int hops) {}

    private final KadKey target;
    private final PeerId self;
    private final int k;
    private final int alpha;
    private final Duration requestTimeout;
    private final Duration slowAfter;
    private final Instant deadline;
    private final Map<PeerId, Candidate> seen = new HashMap<>();
    private final List<List<Candidate>> paths;
    private final Comparator<Candidate> byDistance;
    private int requests;
    private int succeeded;
    private int failed;
    private int timedOut;
    private boolean cancelled;

    /**
     * @param seeds the closest peers the routing table knows (the spec seeds α; more is fine)
     * @param self this node, never queried nor added
     */
    public KadLookup(
            KadKey target,
            PeerId self,
            Collection<PeerId> seeds,
            int k,
            int alpha,
            int paths,
            Duration requestTimeout,
            Instant deadline) {
        if (k < 1 || alpha < 1 || paths < 1) {
            throw new IllegalArgumentException("k, alpha and paths must be positive");
        }
        this.target = target;
        this.self = self;
        this.k = k;
        this.alpha = alpha;
        this.requestTimeout = requestTimeout;
        this.slowAfter = requestTimeout.dividedBy(SLOW_FRACTION);
        this.deadline = deadline;
        this.byDistance = Comparator.comparing((Candidate c) -> c.key, target::compareDistance);
        this.paths = new ArrayList<>(paths);
        for (int i = 0; i < paths; i++) {
            this.paths.add(new ArrayList<>());
        }
        List<PeerId> sorted = new ArrayList<>(seeds);
        sorted.removeIf(self::equals);
        sorted.sort(Comparator.comparing(KadKey::of, target::compareDistance));
        int next = 0;
        for (PeerId seed : sorted) {
            if (!seen.containsKey(seed)) {
                add(seed, next++ % paths, 1);
            }
        }
    }

    public KadKey target() {
        return target;
    }

    private void add(PeerId peer, int path, int hop) {
        Candidate c = new Candidate(peer, KadKey.of(peer), path, hop);
        seen.put(peer, c);
        List<Candidate> list = paths.get(path);
        int at = insertionPoint(list, c);
        list.add(at, c);
        if (list.size() > MAX_CANDIDATES_PER_K * k) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i).state == State.NOT_CONTACTED) {
                    seen.remove(list.remove(i).peer);
                    break;
                }
            }
        }
    }

    private int insertionPoint(List<Candidate> list, Candidate c) {
        int lo = 0;
        int hi = list.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (byDistance.compare(list.get(mid), c) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The peers to send a request to now (marked in flight). Call it again after every response,
     * failure, or when {@link #nextWakeup} passes.
     */
    public List<PeerId> next(Instant now) {
        expire(now);
        if (isFinished(now)) {
            return List.of();
        }
        List<PeerId> out = new ArrayList<>();
        for (List<Candidate> path : paths) {
            int fresh = 0;
            int inFlight = 0;
            for (Candidate c : path) {
                if (c.state == State.IN_FLIGHT) {
                    inFlight++;
                    if (now.isBefore(c.sentAt.plus(slowAfter))) {
                        fresh++;
                    }
                }
            }
            int live = 0;
            for (Candidate c : path) {
                if (live >= k || fresh >= alpha || inFlight >= k || requests >= MAX_REQUESTS) {
                    break;
                }
                if (!c.live()) {
                    continue;
                }
                live++;
                if (c.state == State.NOT_CONTACTED) {
                    c.state = State.IN_FLIGHT;
                    c.sentAt = now;
                    fresh++;
                    inFlight++;
                    requests++;
                    out.add(c.peer);
                }
            }
        }
        return out;
    }

    /** In-flight requests older than the request timeout stop counting; they are skipped from now on. */
    private void expire(Instant now) {
        for (List<Candidate> path : paths) {
            for (Candidate c : path) {
                if (c.state == State.IN_FLIGHT && !now.isBefore(c.sentAt.plus(requestTimeout))) {
                    c.state = State.TIMED_OUT;
                    timedOut++;
                }
            }
        }
    }

    /**
     * A peer answered with {@code closer} peers (already bounded by the codec). Unknown peers join the
     * responder's path; a response from a peer never asked is ignored.
     */
    public void onResponse(PeerId from, Collection<PeerId> closer, Instant now) {
        Candidate c = seen.get(from);
        if (c == null || (c.state != State.IN_FLIGHT && c.state != State.TIMED_OUT)) {
            return;
        }
        if (c.state == State.TIMED_OUT) {
            timedOut--;
        }
        c.state = State.SUCCEEDED;
        succeeded++;
        for (PeerId peer : closer) {
            if (!peer.equals(self) && !seen.containsKey(peer)) {
                add(peer, c.path, c.hop + 1);
            }
        }
    }

    /** A request failed (refused, reset, garbage, timed out in the network layer). */
    public void onFailure(PeerId from, Instant now) {
        Candidate c = seen.get(from);
        if (c == null || (c.state != State.IN_FLIGHT && c.state != State.TIMED_OUT)) {
            return;
        }
        if (c.state == State.TIMED_OUT) {
            timedOut--;
        }
        c.state = State.FAILED;
        failed++;
    }

    /** Stops the lookup: {@link #next} returns nothing and {@link #isFinished} is true. */
    public void cancel() {
        cancelled = true;
    }

    /** Whether the lookup is over at {@code now} (requests past their timeout count as failed). */
    public boolean isFinished(Instant now) {
        if (cancelled || !now.isBefore(deadline)) {
            return true;
        }
        expire(now);
        boolean anyInFlight = false;
        boolean allDone = true;
        for (List<Candidate> path : paths) {
            if (!pathDone(path)) {
                allDone = false;
            }
            for (Candidate c : path) {
                anyInFlight |= c.state == State.IN_FLIGHT;
            }
        }
        return allDone || (requests >= MAX_REQUESTS && !anyInFlight);
    }

    /** Whether the k closest live candidates of the path have all answered. */
    private boolean pathDone(List<Candidate> path) {
        int live = 0;
        for (Candidate c : path) {
            if (live >= k) {
                break;
            }
            if (!c.live()) {
                continue;
            }
            live++;
            if (c.state != State.SUCCEEDED) {
                return false;
            }
        }
        return true;
    }

    /**
     * When to call {@link #next} again if nothing arrives: the earliest moment a request turns slow or
     * times out, or the deadline.
     */
    public Instant nextWakeup(Instant now) {
        Instant wake = deadline;
        for (List<Candidate> path : paths) {
            for (Candidate c : path) {
                if (c.state == State.IN_FLIGHT) {
                    Instant slow = c.sentAt.plus(slowAfter);
                    Instant t = now.isBefore(slow) ? slow : c.sentAt.plus(requestTimeout);
                    if (t.isBefore(wake)) {
                        wake = t;
                    }
                }
            }
        }
        return wake;
    }

    /** Up to k peers that answered, closest first, from all paths. */
    public List<PeerId> closest() {
        return succeededSorted().stream().limit(k).map(c -> c.peer).toList();
    }

    private List<Candidate> succeededSorted() {
        List<Candidate> all = new ArrayList<>();
        for (List<Candidate> path : paths) {
            for (Candidate c : path) {
                if (c.state == State.SUCCEEDED) {
                    all.add(c);
                }
            }
        }
        all.sort(byDistance);
        return all;
    }

    /** The request round in which {@code peer} was asked (seeds are round 1), if it was seen. */
    public Optional<Integer> hopOf(PeerId peer) {
        Candidate c = seen.get(peer);
        return c == null ? Optional.empty() : Optional.of(c.hop);
    }

    public Stats stats() {
        List<Candidate> done = succeededSorted();
        int hops = done.isEmpty() ? 0 : done.get(0).hop;
        return new Stats(requests, succeeded, failed, timedOut, hops);
    }

    /** The path a seen peer belongs to, for tests. */
    Optional<Integer> pathOf(PeerId peer) {
        Candidate c = seen.get(peer);
        return c == null ? Optional.empty() : Optional.of(c.path);
    }

    /** Candidates kept over all paths, for tests. */
    int candidateCount() {
        return paths.stream().mapToInt(List::size).sum();
    }

    /** The state of a seen peer, for tests. */
    Optional<State> state(PeerId peer) {
        Candidate c = seen.get(peer);
        return c == null ? Optional.empty() : Optional.of(c.state);
    }
}
