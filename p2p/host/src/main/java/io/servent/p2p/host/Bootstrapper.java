package io.servent.p2p.host;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a host connected: dials the configured bootstrap peers at start, redials each one it loses
 * (with {@link Backoff exponential backoff and jitter} while they fail), and whenever fewer than
 * {@link BootstrapConfig#minConnections()} peers are connected, dials peers the peerstore knows
 * addresses for (mDNS, identify, the DHT put them there), each also backed off after a failure.
 * It needs only the {@link Host} API.
 *
 * <pre>{@code
 * Bootstrapper keeper = new Bootstrapper(host, BootstrapConfig.defaults()
 *         .withPeers(List.of(Multiaddr.parse("/ip4/192.0.2.7/tcp/4001/p2p/12D3KooW…")))
 *         .withMinConnections(8));
 * keeper.start();            // after host.start()
 * keeper.status();           // per bootstrap address: connected?, failures, next attempt
 * keeper.close();            // before host.close()
 * }</pre>
 *
 * <p>Threads (virtual, owned, joined by {@link #close()}): {@code bootstrap}, which decides what to
 * dial and when, and one {@code bootstrap-dial-N} per dial, at most {@link
 * BootstrapConfig#maxConcurrentDials()} at once. Host events only update state under a lock that
 * is never held across a dial. Thread-safe.
 */
public final class Bootstrapper implements AutoCloseable {
    /** Known (non-bootstrap) peers whose backoff state is kept. */
    static final int MAX_TRACKED_PEERS = 1024;

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(Bootstrapper.class);

    private final Host host;
    private final BootstrapConfig config;
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final Semaphore dialPermits;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final RedialSchedule<Multiaddr> bootstrap;
    /** The peer each bootstrap address reached (or names). Guarded by {@link #lock}. */
    private final Map<Multiaddr, PeerId> bootstrapPeers = new HashMap<>();
    /** Guarded by {@link #lock}. */
    private final RedialSchedule<PeerId> known;
    /** Guarded by {@link #lock}. */
    private long nextCheck;

    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong dialCounter = new AtomicLong();
    /** Dials to known peers under way, so that checks do not pile more on while they last. */
    private final AtomicInteger knownDialsInFlight = new AtomicInteger();

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile @Nullable AutoCloseable subscription;

    /** A bootstrap address and how it is doing. */
    public record Target(
            Multiaddr address,
            Optional<PeerId> peer,
            boolean connected,
            int failures,
            Optional<Duration> nextAttemptIn) {}

    public Bootstrapper(Host host, BootstrapConfig config) {
        this(host, config, System::nanoTime, RandomGenerator.getDefault());
    }

    Bootstrapper(Host host, BootstrapConfig config, LongSupplier clock, RandomGenerator random) {
        this.host = host;
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.dialPermits = new Semaphore(config.maxConcurrentDials());
        long stableAfter = config.backoff().max().toNanos();
        this.bootstrap = new RedialSchedule<>(config.backoff(), stableAfter, random);
        this.known = new RedialSchedule<>(config.backoff(), stableAfter, random);
    }

    /** Dials the bootstrap peers and starts keeping the connection count up. Call after the host started. */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("the bootstrapper is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("the bootstrapper already started");
        }
        long now = clock.getAsLong();
        lock.lock();
        try {
            for (Multiaddr address : config.peers()) {
                bootstrap.add(address, now);
                address.peerId().ifPresent(peer -> bootstrapPeers.put(address, peer));
            }
            nextCheck = now;
        } finally {
            lock.unlock();
        }
        subscription = host.subscribe(this::onEvent);
        startThread("bootstrap", this::loop);
        log.info(
                "bootstrapping from {} peers, keeping at least {} connections",
                config.peers().size(),
                config.minConnections());
    }

    /** The bootstrap addresses and how each is doing. */
    public List<Target> status() {
        long now = clock.getAsLong();
        lock.lock();
        try {
            List<Target> out = new ArrayList<>();
            for (Multiaddr address : config.peers()) {
                RedialSchedule.Status s = bootstrap.status(address);
                OptionalLong at = s.nextAttemptAt();
                out.add(new Target(
                        address,
                        Optional.ofNullable(bootstrapPeers.get(address)),
                        s.connected(),
                        s.failures(),
                        at.isPresent()
                                ? Optional.of(Duration.ofNanos(Math.max(0, at.getAsLong() - now)))
                                : Optional.empty()));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    private void onEvent(HostEvent event) {
        switch (event) {
            case HostEvent.PeerConnected c -> update(c.peer(), true);
            case HostEvent.PeerDisconnected d -> update(d.peer(), false);
            default -> {}
        }
    }

    private void update(PeerId peer, boolean connected) {
        long now = clock.getAsLong();
        lock.lock();
        try {
            for (Map.Entry<Multiaddr, PeerId> e : bootstrapPeers.entrySet()) {
                if (e.getValue().equals(peer)) {
                    if (connected) {
                        bootstrap.connected(e.getKey(), now);
                    } else {
                        bootstrap.lost(e.getKey(), now);
                    }
                }
            }
            if (connected) {
                known.connected(peer, now);
            } else {
                known.lost(peer, now);
                nextCheck = now; // maybe below the minimum now
            }
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the decision loop ----

    private void loop() {
        while (!closed.get()) {
            List<Multiaddr> due;
            boolean check;
            lock.lock();
            try {
                long now = clock.getAsLong();
                due = bootstrap.due(now);
                check = now - nextCheck >= 0;
                if (check) {
                    nextCheck = now + config.checkInterval().toNanos();
                }
                if (due.isEmpty() && !check) {
                    long next = nextCheck;
                    OptionalLong redial = bootstrap.nextDue();
                    if (redial.isPresent() && redial.getAsLong() - next < 0) {
                        next = redial.getAsLong();
                    }
                    long wait = next - now;
                    if (wait > 0) {
                        wake.awaitNanos(wait);
                    }
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                for (Multiaddr address : due) {
                    dial(
                            "bootstrap peer " + address,
                            () -> host.connect(address),
                            connection -> {
                                lock.lock();
                                try {
                                    bootstrapPeers.put(address, connection.remotePeer());
                                    bootstrap.connected(address, clock.getAsLong());
                                } finally {
                                    lock.unlock();
                                }
                            },
                            () -> bootstrapFailed(address));
                }
                if (check) {
                    reconcile();
                    keepMinimum();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private int bootstrapFailed(Multiaddr address) {
        lock.lock();
        try {
            bootstrap.failed(address, clock.getAsLong());
            return bootstrap.status(address).failures();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Repairs state that events could not: a connection that closed while its dial was still being
     * recorded leaves a target marked connected with no connection.
     */
    private void reconcile() {
        Set<PeerId> connected = connectedPeers();
        long now = clock.getAsLong();
        lock.lock();
        try {
            for (Map.Entry<Multiaddr, PeerId> e : bootstrapPeers.entrySet()) {
                if (bootstrap.status(e.getKey()).connected() && !connected.contains(e.getValue())) {
                    bootstrap.lost(e.getKey(), now);
                }
            }
            if (known.size() > MAX_TRACKED_PEERS) {
                Set<PeerId> inStore = host.peerstore().peers();
                known.retainAll(inStore::contains);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Below the minimum: dial known peers that are not connected and not backing off. */
    private void keepMinimum() throws InterruptedException {
        Set<PeerId> connected = connectedPeers();
        int needed = config.minConnections() - connected.size() - knownDialsInFlight.get();
        if (needed <= 0) {
            return;
        }
        List<PeerId> candidates = new ArrayList<>();
        Set<PeerId> bootstrapIds;
        lock.lock();
        try {
            bootstrapIds = new HashSet<>(bootstrapPeers.values());
        } finally {
            lock.unlock();
        }
        for (PeerId peer : host.peerstore().peers()) {
            if (!peer.equals(host.peerId())
                    && !connected.contains(peer)
                    && !bootstrapIds.contains(peer)
                    && !host.peerstore().addresses(peer).isEmpty()) {
                candidates.add(peer);
            }
        }
        Collections.shuffle(candidates, random);
        int started = 0;
        for (PeerId peer : candidates) {
            if (started == needed) {
                break;
            }
            boolean go;
            lock.lock();
            try {
                go = known.tryBegin(peer, clock.getAsLong());
            } finally {
                lock.unlock();
            }
            if (!go) {
                continue;
            }
            started++;
            knownDialsInFlight.incrementAndGet();
            dial(
                    "known peer " + peer,
                    () -> {
                        try {
                            return host.connect(peer);
                        } finally {
                            knownDialsInFlight.decrementAndGet();
                        }
                    },
                    connection -> {
                        lock.lock();
                        try {
                            known.connected(peer, clock.getAsLong());
                        } finally {
                            lock.unlock();
                        }
                    },
                    () -> {
                        lock.lock();
                        try {
                            known.failed(peer, clock.getAsLong());
                            return known.status(peer).failures();
                        } finally {
                            lock.unlock();
                        }
                    });
        }
        if (started < needed) {
            log.debug(
                    "{} connections of at least {}; {} more dialed",
                    connected.size(),
                    config.minConnections(),
                    started);
        }
    }

    private Set<PeerId> connectedPeers() {
        return host.connections().stream().map(Connection::remotePeer).collect(Collectors.toSet());
    }

    private interface Dial {
        Connection run() throws IOException;
    }

    private interface Failure {
        /** Records the failure; returns the failures in a row so far. */
        int record();
    }

    private void dial(String what, Dial dial, Consumer<Connection> onSuccess, Failure onFailure)
            throws InterruptedException {
        dialPermits.acquire();
        try {
            startThread("bootstrap-dial-" + dialCounter.incrementAndGet(), () -> {
                try {
                    Connection connection = dial.run();
                    onSuccess.accept(connection);
                    log.debug("connected to {}", what);
                } catch (IOException | RuntimeException e) {
                    int failures = onFailure.record();
                    if (!closed.get()) {
                        if (failures == 1) {
                            log.info("cannot reach {}: {}; retrying with backoff", what, e.getMessage());
                        } else {
                            log.debug("cannot reach {} ({} failures in a row): {}", what, failures, e.getMessage());
                        }
                    }
                } finally {
                    dialPermits.release();
                    lock.lock();
                    try {
                        wake.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            });
        } catch (IllegalStateException closing) {
            dialPermits.release();
        }
    }

    // ---- threads and shutdown ----

    private void startThread(String name, Runnable task) {
        if (closed.get()) {
            throw new IllegalStateException("the bootstrapper is closed");
        }
        Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("thread {} failed", Thread.currentThread().getName(), e);
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(thread);
        thread.start();
    }

    /** Threads still running (for shutdown tests). */
    public int liveThreadCount() {
        return threads.size();
    }

    /** Stops dialing and joins its threads; connections stay open. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        AutoCloseable s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                log.debug("unsubscribing from host events: {}", e.toString());
            }
        }
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    log.warn("thread {} did not stop within {} ms", t.getName(), CLOSE_TIMEOUT.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
