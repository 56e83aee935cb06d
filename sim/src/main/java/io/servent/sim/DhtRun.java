package io.servent.sim;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.kad.KadConfig;
import io.servent.p2p.kad.KadLookupResult;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a DHT scenario: starts N peers, joins them through {@link io.servent.p2p.kad.KadDht#bootstrap}
 * from a few random peers already in, then times lookups of random live peers' ids from random live
 * peers, while (with churn) peers leave at the end of their Weibull sessions and fresh peers replace
 * them.
 *
 * <p>A lookup is {@code closestPeers(target id)}, the full iterative FIND_NODE lookup (findPeer
 * would stop early when the two are connected). It succeeds if the target, alive for the whole
 * lookup, is among the k closest peers it returns; its hops are the request round at which the target
 * answered.
 *
 * <p>Threads: the caller's thread runs the phases; joins and lookups run on virtual threads bounded
 * by semaphores; with churn one virtual thread retires and replaces peers. The live-peer list and the
 * departure queue are guarded by one lock. Used once, from one thread.
 */
final class DhtRun {
    private static final Logger log = LoggerFactory.getLogger(DhtRun.class);
    private static final int SEEDS = 3;
    private static final int JOIN_CONCURRENCY = 16;
    private static final Duration JOIN_WAIT = Duration.ofMinutes(30);
    private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final SimScenario scenario;
    private final PrintStream progress;
    private final Optional<SimChurn> churn;

    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final SplittableRandom random;
    private final List<SimPeer> live = new ArrayList<>();
    private final Map<SimPeer, Long> departsAt = new HashMap<>();
    private final PriorityQueue<Departure> departures = new PriorityQueue<>();

    private final AtomicInteger joinFailures = new AtomicInteger();
    private final AtomicInteger departed = new AtomicInteger();
    private final AtomicInteger joined = new AtomicInteger();
    private final List<SimPeer> retired = new ArrayList<>();
    private volatile long phaseStartNanos;
    private volatile boolean stopping;
    /** Whether the churn phase runs: leaving peers are replaced and new peers get sessions. */
    private volatile boolean churning;

    private final KadConfig config = kadConfig();
    private @Nullable SimNetwork network;
    // What the network cost once built; the reports of every phase share them.
    private long builtHeap;
    private long builtRss;
    private int builtThreads;
    private long builtCpu;
    private long builtWall;

    private record Departure(long atSimNanos, SimPeer peer) implements Comparable<Departure> {
        @Override
        public int compareTo(Departure o) {
            return Long.compare(atSimNanos, o.atSimNanos);
        }
    }

    DhtRun(SimScenario scenario, PrintStream progress) {
        this.scenario = scenario;
        this.progress = progress;
        this.churn = scenario.churn();
        this.random = new SplittableRandom(scenario.seed());
    }

    /**
     * The DHT's config: the defaults (k = 20, α = 3), tighter request and lookup deadlines, and the
     * Kademlia paper's hourly bucket refresh instead of go-libp2p's 10 minutes: a refresh is a lookup
     * per bucket, about 15 at 10,000 peers, and 10,000 peers refreshing every 10 minutes are 250
     * lookups per second, more than two shared cores run next to the measured workload. The
     * maintenance is not compressed with the sessions either (the runs are shorter than an hour, so
     * it barely runs): under churn the DHT has to cope through its lookups' failure handling, its
     * liveness checks and replacement caches, and the traffic of joining peers — a harder test than
     * the real network's, not an easier one.
     */
    static KadConfig kadConfig() {
        return KadConfig.defaults()
                .withRequestTimeout(REQUEST_TIMEOUT)
                .withLookupTimeout(LOOKUP_TIMEOUT)
                .withRefreshInterval(Duration.ofHours(1));
    }

    /**
     * Builds the network and measures it: one report without churn, and with churn a second one for
     * the same network during the churn phase (the first is its baseline).
     */
    List<SimReport.Dht> run() throws IOException, InterruptedException {
        ResourceUse before = ResourceUse.measure();
        List<SimReport.Dht> reports = new ArrayList<>();
        try (SimNetwork network = new SimNetwork(scenario.latency(), scenario.jitter(), scenario.seed(), 32, 64)) {
            this.network = network;
            try {
                build(network, config);
                ResourceUse built = ResourceUse.measure();
                builtHeap = built.heapBytes();
                builtRss = built.rssBytes();
                builtThreads = built.threads();
                builtCpu = built.cpuNanos();
                builtWall = built.wallNanos();
                progress.printf(
                        "%s: %d peers joined (%s) in %.1f s, %d failed; heap %.0f MiB%n",
                        scenario.name(),
                        scenario.peers(),
                        scenario.join(),
                        (built.wallNanos() - before.wallNanos()) / 1e9,
                        joinFailures.get(),
                        built.heapBytes() / (double) (1 << 20));
                // The joins ran on instant links (their wall time is not a result); lookups see latency.
                network.linksWithLatency();
                SimScenario baseline = churn.isPresent()
                        ? scenario.withoutChurn().withName(scenario.name() + " (before churn)")
                        : scenario;
                Measured still = measure(false);
                ResourceUse afterStill = ResourceUse.measure();
                reports.add(report(baseline, still, before, built, afterStill));
                progress.println(reports.get(0).format());
                if (churn.isPresent()) {
                    Measured churned = measure(true);
                    ResourceUse afterChurn = ResourceUse.measure();
                    reports.add(report(scenario, churned, before, afterStill, afterChurn));
                }
            } finally {
                List<SimPeer> all = new ArrayList<>();
                lock.lock();
                try {
                    all.addAll(live);
                    all.addAll(retired);
                } finally {
                    lock.unlock();
                }
                SimNetwork.closeAll(all);
            }
        }
        return reports;
    }

    /** A report of one measured phase: heap and join CPU from the build, run CPU from the phase. */
    private SimReport.Dht report(
            SimScenario s, Measured m, ResourceUse before, ResourceUse phaseStart, ResourceUse phaseEnd) {
        int n = scenario.peers();
        double runSeconds = (phaseEnd.wallNanos() - phaseStart.wallNanos()) / 1e9;
        SimReport.Resources resources = new SimReport.Resources(
                n,
                (builtHeap - before.heapBytes()) / n,
                builtRss,
                builtThreads,
                (builtCpu - before.cpuNanos()) / 1e6 / n,
                (phaseEnd.cpuNanos() - phaseStart.cpuNanos()) / 1e6 / n / runSeconds,
                Duration.ofNanos(builtWall - before.wallNanos()),
                Duration.ofNanos(phaseEnd.wallNanos() - phaseStart.wallNanos()));
        return new SimReport.Dht(
                s,
                resources,
                m.lookups,
                m.succeeded,
                m.unfinished,
                m.hops.percentiles(),
                m.latencyMs.percentiles(),
                m.requests.mean(),
                m.departures,
                m.joins,
                joinFailures.get(),
                m.simulated,
                meanTableSize());
    }

    // ---- building the network ----

    private List<SimPeer> build(SimNetwork network, KadConfig config) throws IOException, InterruptedException {
        List<SimPeer> peers = new ArrayList<>(scenario.peers());
        for (int i = 0; i < scenario.peers(); i++) {
            peers.add(network.startDhtPeer(config));
        }
        addLive(peers.get(0));
        Semaphore permits = new Semaphore(JOIN_CONCURRENCY);
        long deadline = System.nanoTime() + JOIN_WAIT.toNanos();
        long reportEvery = Math.max(100, scenario.peers() / 10);
        for (int i = 1; i < peers.size(); i++) {
            SimPeer peer = peers.get(i);
            // The first few join one by one, so that the early network is a network.
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IOException("joining the peers took longer than " + JOIN_WAIT);
            }
            Thread.ofVirtual().name("sim-join-", i).start(() -> {
                try {
                    join(peer);
                } finally {
                    permits.release();
                }
            });
            if (i < JOIN_CONCURRENCY) {
                if (!permits.tryAcquire(
                        JOIN_CONCURRENCY, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw new IOException("joining the peers took longer than " + JOIN_WAIT);
                }
                permits.release(JOIN_CONCURRENCY);
            }
            if (i % reportEvery == 0) {
                progress.printf("%s: %d/%d peers joining%n", scenario.name(), i, peers.size());
            }
        }
        if (!permits.tryAcquire(JOIN_CONCURRENCY, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new IOException("joining the peers took longer than " + JOIN_WAIT);
        }
        permits.release(JOIN_CONCURRENCY);
        return peers;
    }

    /** Bootstraps {@code peer} from random live peers (a second try with others), then makes it live. */
    private void join(SimPeer peer) {
        for (int attempt = 0; attempt < 2; attempt++) {
            List<Multiaddr> seeds =
                    randomLive(SEEDS).stream().map(SimPeer::address).toList();
            try {
                if (scenario.join() == SimScenario.Join.BOOTSTRAP) {
                    peer.requireDht().bootstrap(seeds);
                } else {
                    selfLookupJoin(peer, seeds);
                }
                addLive(peer);
                return;
            } catch (IOException | RuntimeException e) {
                log.debug("{} failed to join: {}", peer, e.toString());
            }
        }
        joinFailures.incrementAndGet();
        // A peer that could not join still serves whoever finds it; it stays in the network.
        addLive(peer);
    }

    /** Connects to the seeds, then looks up the peer's own key; fails if no seed answered. */
    private static void selfLookupJoin(SimPeer peer, List<Multiaddr> seeds) throws IOException {
        @Nullable IOException failure = null;
        int reached = 0;
        for (Multiaddr seed : seeds) {
            try {
                peer.host().connect(seed);
                reached++;
            } catch (IOException e) {
                failure = e;
            }
        }
        if (reached == 0 && !seeds.isEmpty()) {
            throw failure != null ? failure : new IOException("no seed reachable");
        }
        // Identify tells the DHT that the seeds serve it; the lookup needs them in the table.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (peer.requireDht().routingTableSize() == 0 && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("join interrupted");
            }
        }
        peer.requireDht().closestPeers(peer.host().peerId().bytes());
    }

    private void addLive(SimPeer peer) {
        lock.lock();
        try {
            live.add(peer);
            if (churning) {
                scheduleDeparture(peer, simNow());
            }
        } finally {
            lock.unlock();
        }
    }

    private List<SimPeer> randomLive(int count) {
        lock.lock();
        try {
            List<SimPeer> chosen = new ArrayList<>(count);
            for (int tries = 0; chosen.size() < Math.min(count, live.size()) && tries < 4 * count; tries++) {
                SimPeer p = live.get(random.nextInt(live.size()));
                if (!chosen.contains(p)) {
                    chosen.add(p);
                }
            }
            return chosen;
        } finally {
            lock.unlock();
        }
    }

    // ---- the measured phase ----

    private static final class Measured {
        final Samples hops;
        final Samples latencyMs;
        final Samples requests;
        int lookups;
        int succeeded;
        int unfinished;
        int departures;
        int joins;
        Duration simulated = Duration.ZERO;

        Measured(int capacity) {
            hops = new Samples(capacity);
            latencyMs = new Samples(capacity);
            requests = new Samples(capacity);
        }
    }

    private Measured measure(boolean withChurn) throws InterruptedException {
        int total = scenario.operations();
        Measured m = new Measured(total);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger succeeded = new AtomicInteger();
        AtomicLong simulatedNanos = new AtomicLong();
        Semaphore inFlight = new Semaphore(scenario.concurrency());
        Thread churner = null;
        long intervalNanos = 0;
        int departedBefore = departed.get();
        int joinedBefore = joined.get();
        phaseStartNanos = System.nanoTime();
        stopping = false;
        churning = withChurn;
        if (withChurn) {
            SimChurn c = churn.orElseThrow();
            lock.lock();
            try {
                double share = c.churningShare();
                for (SimPeer p : live) {
                    if (random.nextDouble() < share) {
                        scheduleDeparture(p, 0);
                    }
                }
                progress.printf(
                        "%s: %d of %d peers churn (sessions: Weibull shape %.2f, median %s; mean %s)%n",
                        scenario.name(),
                        departures.size(),
                        live.size(),
                        c.sessions().shape(),
                        c.sessions().median(),
                        c.sessions().mean());
            } finally {
                lock.unlock();
            }
            intervalNanos = c.real(c.duration()).toNanos() / total;
            SimNetwork net = java.util.Objects.requireNonNull(network);
            churner = Thread.ofVirtual().name("sim-churn").start(() -> churn(net, config));
        }
        long hardDeadline = phaseStartNanos
                + (withChurn
                        ? churn.orElseThrow()
                                .real(churn.orElseThrow().duration())
                                .toNanos()
                        : 0)
                + Duration.ofMinutes(30).toNanos();
        long reportEvery = Math.max(1, total / 10);
        try {
            for (int i = 0; i < total && System.nanoTime() < hardDeadline; i++) {
                if (intervalNanos > 0) {
                    long due = phaseStartNanos + i * intervalNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // pacing the workload in time, not awaiting state
                    }
                }
                if (!inFlight.tryAcquire(Math.max(0, hardDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                Optional<SimPeer[]> pair = pickLookup();
                if (pair.isEmpty()) {
                    inFlight.release();
                    continue;
                }
                SimPeer source = pair.get()[0];
                SimPeer target = pair.get()[1];
                started.incrementAndGet();
                Thread.ofVirtual().name("sim-lookup-", i).start(() -> {
                    try {
                        lookup(source, target, m, succeeded);
                    } finally {
                        finished.incrementAndGet();
                        inFlight.release();
                    }
                });
                if ((i + 1) % reportEvery == 0) {
                    progress.printf(
                            "%s: %d/%d lookups started, %d succeeded of %d finished%n",
                            scenario.name(), i + 1, total, succeeded.get(), finished.get());
                }
            }
            // Every lookup has a deadline; one that outlives it twice over counts as a failure.
            inFlight.tryAcquire(scenario.concurrency(), LOOKUP_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
        } finally {
            simulatedNanos.set(withChurn ? simNow() : 0);
            stopping = true;
            if (churner != null) {
                churner.join(Duration.ofMinutes(2));
            }
            churning = false;
        }
        m.departures = departed.get() - departedBefore;
        m.joins = joined.get() - joinedBefore;
        synchronized (m) {
            m.lookups = started.get();
            m.unfinished = started.get() - finished.get();
            m.succeeded = succeeded.get();
        }
        m.simulated = Duration.ofNanos(simulatedNanos.get());
        return m;
    }

    /** A source and a target, both live, the target staying at least a lookup's deadline longer. */
    private Optional<SimPeer[]> pickLookup() {
        long margin = churn.map(c -> (long) (config.lookupTimeout().toNanos() * c.speedup()))
                .orElse(0L);
        lock.lock();
        try {
            long now = churning ? simNow() : 0;
            for (int tries = 0; tries < 64 && live.size() >= 2; tries++) {
                SimPeer source = live.get(random.nextInt(live.size()));
                SimPeer target = live.get(random.nextInt(live.size()));
                Long leaves = departsAt.get(target);
                if (source != target && (leaves == null || leaves > now + margin)) {
                    return Optional.of(new SimPeer[] {source, target});
                }
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    private void lookup(SimPeer source, SimPeer target, Measured m, AtomicInteger succeeded) {
        PeerId id = target.host().peerId();
        long start = System.nanoTime();
        try {
            KadLookupResult result = source.requireDht().closestPeers(id.bytes());
            double ms = (System.nanoTime() - start) / 1e6;
            m.latencyMs.add(ms);
            m.requests.add(result.stats().requests());
            if (result.closest().contains(id)) {
                succeeded.incrementAndGet();
                m.hops.add(result.stats().hops());
            } else {
                log.debug("lookup of {} from {} missed: {}", target, source, result.stats());
            }
        } catch (IOException | RuntimeException e) {
            m.latencyMs.add((System.nanoTime() - start) / 1e6);
            log.debug("lookup of {} from {} failed: {}", target, source, e.toString());
        }
    }

    // ---- churn ----

    private long simNow() {
        SimChurn c = churn.orElseThrow();
        return (long) ((System.nanoTime() - phaseStartNanos) * c.speedup());
    }

    /** Caller holds the lock. */
    private void scheduleDeparture(SimPeer peer, long fromSimNanos) {
        long at = fromSimNanos + churn.orElseThrow().sessions().sample(random).toNanos();
        departsAt.put(peer, at);
        departures.add(new Departure(at, peer));
    }

    /**
     * Retires peers whose session ended and starts a fresh one for each; when the measured phase ends
     * it waits (bounded) for the replacements still joining.
     */
    private void churn(SimNetwork network, KadConfig config) {
        SimChurn c = churn.orElseThrow();
        Semaphore joins = new Semaphore(JOIN_CONCURRENCY);
        long end = phaseStartNanos
                + c.real(c.duration()).toNanos()
                + Duration.ofMinutes(30).toNanos();
        try {
            while (!stopping && System.nanoTime() < end) {
                Departure next;
                lock.lock();
                try {
                    next = departures.peek();
                    if (next != null && next.atSimNanos() <= simNow()) {
                        departures.poll();
                        live.remove(next.peer());
                        departsAt.remove(next.peer());
                        retired.add(next.peer());
                    } else {
                        next = null;
                    }
                } finally {
                    lock.unlock();
                }
                if (next == null) {
                    TimeUnit.MILLISECONDS.sleep(5); // the churn clock's tick
                    continue;
                }
                SimPeer leaving = next.peer();
                departed.incrementAndGet();
                Thread.ofVirtual().name("sim-leave").start(leaving::close);
                if (!joins.tryAcquire(1, TimeUnit.MINUTES)) {
                    joinFailures.incrementAndGet();
                    continue;
                }
                Thread.ofVirtual().name("sim-rejoin").start(() -> {
                    try {
                        SimPeer fresh = network.startDhtPeer(config);
                        join(fresh);
                        joined.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        joinFailures.incrementAndGet();
                        log.debug("a replacement peer failed to start: {}", e.toString());
                    } finally {
                        joins.release();
                    }
                });
            }
            joins.tryAcquire(JOIN_CONCURRENCY, 2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double meanTableSize() {
        List<SimPeer> peers;
        lock.lock();
        try {
            peers = List.copyOf(live);
        } finally {
            lock.unlock();
        }
        long sum = 0;
        for (SimPeer p : peers) {
            sum += p.requireDht().routingTableSize();
        }
        return peers.isEmpty() ? 0 : sum / (double) peers.size();
    }
}
