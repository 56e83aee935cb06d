package io.servent.p2p.relay;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.TransportListener;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listening through one relay: holds the reservation there, refreshes it before it expires (and at
 * once when the connection to the relay drops, since that ends the reservation), and hands the
 * relayed connections that arrive on stop streams to the host's accept loop. When the reservation
 * has expired and cannot be renewed, the listener closes, so the host stops advertising it.
 *
 * <p>Threads: one virtual refresher thread, which {@link #close()} ends and joins. Thread-safe;
 * {@link #accept()} from one thread at a time.
 */
final class RelayListener implements TransportListener {
    private static final Logger log = LoggerFactory.getLogger(RelayListener.class);
    static final int MAX_PENDING = 16;
    private static final Duration MIN_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final RelayTransport transport;
    private final Multiaddr address;
    private final PeerId relay;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<RelayedConnection> pending = new ArrayDeque<>();
    private RelayReservation reservation;
    private boolean relayLost;
    private boolean closed;
    private @Nullable String closeReason;
    private final Thread refresher;

    RelayListener(RelayTransport transport, Multiaddr address, RelayReservation reservation, Clock clock) {
        this.transport = transport;
        this.address = address;
        this.relay = reservation.relay();
        this.reservation = reservation;
        this.clock = clock;
        this.refresher =
                Thread.ofVirtual().name("relay-refresh-" + relay.shortString()).start(this::refreshLoop);
    }

    @Override
    public Multiaddr address() {
        return address;
    }

    PeerId relay() {
        return relay;
    }

    RelayReservation reservation() {
        lock.lock();
        try {
            return reservation;
        } finally {
            lock.unlock();
        }
    }

    /** Queues an inbound relayed connection; false if closed or {@link #MAX_PENDING} are already waiting. */
    boolean offer(RelayedConnection connection) {
        lock.lock();
        try {
            if (closed || pending.size() >= MAX_PENDING) {
                return false;
            }
            pending.add(connection);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean hasRoom() {
        lock.lock();
        try {
            return !closed && pending.size() < MAX_PENDING;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RawConnection accept() throws IOException {
        lock.lock();
        try {
            while (pending.isEmpty()) {
                if (closed) {
                    throw new IOException(
                            "relay listener " + address + " closed" + (closeReason == null ? "" : ": " + closeReason));
                }
                changed.awaitUninterruptibly();
            }
            return pending.poll();
        } finally {
            lock.unlock();
        }
    }

    /** The connection to the relay dropped: the relay forgot the reservation, so renew it now. */
    void relayDisconnected() {
        lock.lock();
        try {
            relayLost = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void refreshLoop() {
        Duration retry = MIN_RETRY;
        while (true) {
            Instant expiry;
            lock.lock();
            try {
                Duration wait = refreshDelay(reservation.expiry(), clock.instant());
                long nanos = wait.toNanos();
                while (!closed && !relayLost && nanos > 0) {
                    nanos = changed.awaitNanos(nanos);
                }
                if (closed) {
                    return;
                }
                relayLost = false;
                expiry = reservation.expiry();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                RelayReservation renewed = transport.reserveOn(relay, address);
                lock.lock();
                try {
                    reservation = renewed;
                } finally {
                    lock.unlock();
                }
                retry = MIN_RETRY;
                log.debug("renewed the reservation on {} until {}", relay, renewed.expiry());
            } catch (IOException | RuntimeException e) {
                Instant now = clock.instant();
                if (!now.isBefore(expiry)) {
                    close("the reservation expired and renewing it failed: " + e.getMessage());
                    log.warn("stopped listening through relay {}: {}", relay, closeReason);
                    return;
                }
                log.info(
                        "renewing the reservation on {} failed, retrying in {} s: {}",
                        relay,
                        retry.toSeconds(),
                        e.getMessage());
                if (!pause(retry)) {
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
                lock.lock();
                try {
                    relayLost = true; // try again straight after the pause
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Renew once three quarters of the remaining time have passed (js-libp2p and go-libp2p renew early too). */
    static Duration refreshDelay(Instant expiry, Instant now) {
        Duration left = Duration.between(now, expiry);
        if (left.isNegative()) {
            return Duration.ZERO;
        }
        return left.multipliedBy(3).dividedBy(4);
    }

    /** Waits for {@code duration} unless closed first; false if closed. */
    private boolean pause(Duration duration) {
        lock.lock();
        try {
            long nanos = duration.toNanos();
            while (!closed && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void close(String reason) {
        ArrayDeque<RelayedConnection> dropped;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeReason = reason;
            dropped = new ArrayDeque<>(pending);
            pending.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        dropped.forEach(RelayedConnection::close);
        transport.forget(this);
    }

    @Override
    public void close() {
        close("closed");
        if (!Thread.currentThread().equals(refresher)) {
            try {
                if (!refresher.join(Duration.ofSeconds(5))) {
                    log.warn("{} did not end within 5 s", refresher.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "relay listener " + address;
    }
}
