package io.servent.node;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.relay.CircuitRelay;
import io.servent.p2p.relay.RelayReservation;
import io.servent.p2p.relay.RelayTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay client's policy: while this node is private (AutoNAT says peers cannot dial it), keep up
 * to {@link NetworkServicesConfig#MAX_RELAYS} reservations, on the configured static relays first,
 * then on connected peers that offer the hop protocol, by listening on their {@code /p2p-circuit}
 * address (the host then advertises it). Reservations already held stay when the node becomes public
 * again: they cost little and expire by themselves if the relay goes.
 *
 * <p>Threads: one virtual thread, {@code relay-reserve}, which reserves (blocking network calls) and
 * is woken by reachability changes, by peers announcing the hop protocol and every 30 s while short
 * of relays; {@link #close()} ends and joins it. A relay that failed is not asked again for a minute.
 * Thread-safe.
 */
final class RelayReserver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayReserver.class);
    private static final Duration RECHECK = Duration.ofSeconds(30);
    private static final Duration RETRY_AFTER = Duration.ofMinutes(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final BasicHost host;
    private final RelayTransport transport;
    private final List<Multiaddr> statics;
    private final int maxRelays;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /** Guarded by {@link #lock}: relay → when it last failed (System.nanoTime). */
    private final Map<PeerId, Long> failedAt = new HashMap<>();

    private boolean isPrivate;
    private boolean wakeRequested;
    private boolean closed;
    private @Nullable Thread thread;
    private @Nullable AutoCloseable subscription;

    RelayReserver(BasicHost host, RelayTransport transport, List<Multiaddr> statics, int maxRelays) {
        this.host = host;
        this.transport = transport;
        this.statics = List.copyOf(statics);
        this.maxRelays = maxRelays;
    }

    void start() {
        subscription = host.subscribe(event -> {
            if (event instanceof HostEvent.PeerIdentified id && id.protocols().contains(CircuitRelay.HOP_PROTOCOL_ID)) {
                wakeUp();
            }
        });
        thread = Thread.ofVirtual().name("relay-reserve").start(this::loop);
    }

    /** Called when AutoNAT's answer changes; reserving starts (or stops looking) accordingly. */
    void setPrivate(boolean value) {
        lock.lock();
        try {
            isPrivate = value;
            wakeRequested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void wakeUp() {
        lock.lock();
        try {
            wakeRequested = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The reservations held now, one per relay. */
    List<RelayReservation> reservations() {
        List<RelayReservation> out = new ArrayList<>();
        for (PeerId relay : transport.relays()) {
            transport.reservation(relay).ifPresent(out::add);
        }
        return out;
    }

    private void loop() {
        while (true) {
            lock.lock();
            try {
                long nanos = RECHECK.toNanos();
                while (!closed && !wakeRequested && nanos > 0) {
                    nanos = wake.awaitNanos(nanos);
                }
                if (closed) {
                    return;
                }
                wakeRequested = false;
                if (!isPrivate) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            reserveWhereNeeded();
        }
    }

    private void reserveWhereNeeded() {
        for (Map.Entry<PeerId, Multiaddr> candidate : candidates().entrySet()) {
            if (transport.relays().size() >= maxRelays || isClosed()) {
                return;
            }
            PeerId relay = candidate.getKey();
            if (transport.relays().contains(relay) || recentlyFailed(relay)) {
                continue;
            }
            Multiaddr circuit = candidate.getValue().encapsulate(Multiaddr.parse("/p2p-circuit"));
            try {
                Multiaddr bound = host.listen(circuit);
                log.info(
                        "unreachable directly, so reachable through relay {} at {}/p2p/{}",
                        relay,
                        bound,
                        host.peerId());
            } catch (IOException | RuntimeException e) {
                log.info("cannot reserve on relay {}: {}", relay, e.getMessage());
                lock.lock();
                try {
                    failedAt.put(relay, System.nanoTime());
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Static relays first, then connected peers that announced the hop protocol; each with its address. */
    private Map<PeerId, Multiaddr> candidates() {
        Map<PeerId, Multiaddr> out = new LinkedHashMap<>();
        for (Multiaddr address : statics) {
            address.peerId().ifPresent(peer -> out.putIfAbsent(peer, address));
        }
        for (Connection c : host.connections()) {
            PeerId peer = c.remotePeer();
            if (c.isOpen()
                    && !c.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT)
                    && host.peerstore().protocols(peer).contains(CircuitRelay.HOP_PROTOCOL_ID)) {
                out.putIfAbsent(peer, c.remoteAddress().withPeerId(peer));
            }
        }
        return out;
    }

    private boolean recentlyFailed(PeerId relay) {
        lock.lock();
        try {
            Optional<Long> at = Optional.ofNullable(failedAt.get(relay));
            return at.isPresent() && System.nanoTime() - at.get() < RETRY_AFTER.toNanos();
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Stops looking for relays; the reservations end with the host, which closes the relay transport. */
    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        AutoCloseable s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (Exception ignored) {
                // Unsubscribing cannot meaningfully fail.
            }
        }
        if (t != null) {
            t.interrupt();
            try {
                if (!t.join(CLOSE_TIMEOUT)) {
                    log.warn("relay-reserve did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isTerminated() {
        Thread t = thread;
        return t == null || !t.isAlive();
    }
}
