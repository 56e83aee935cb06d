package io.servent.p2p.relay;

import io.servent.p2p.api.PeerId;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The relay's bookkeeping, without I/O: reservations (with expiry, counted in total and per source
 * IP) and open circuits (counted in total and per peer). Time comes from the caller, so tests drive
 * it. Thread-safe: one lock guards the maps and is never held across I/O.
 */
final class RelayResources {
    /** The outcome of a reservation request. */
    sealed interface Decision {
        record Granted(Instant expiry) implements Decision {}

        record Refused(CircuitStatus status, String reason) implements Decision {}
    }

    private record Reservation(Instant expiry, @Nullable InetAddress ip) {}

    private final RelayConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<PeerId, Reservation> reservations = new HashMap<>();
    private final Map<PeerId, Integer> circuitsPerPeer = new HashMap<>();
    private int circuits;

    RelayResources(RelayConfig config) {
        this.config = config;
    }

    /** Grants or refreshes {@code peer}'s reservation; a refresh always succeeds if the peer's IP has room. */
    Decision reserve(PeerId peer, @Nullable InetAddress ip, Instant now) {
        lock.lock();
        try {
            pruneExpired(now);
            Reservation existing = reservations.get(peer);
            boolean sameIp = existing != null && java.util.Objects.equals(existing.ip(), ip);
            if (existing == null && reservations.size() >= config.maxReservations()) {
                return new Decision.Refused(
                        CircuitStatus.RESERVATION_REFUSED,
                        reservations.size() + " reservations held (maxReservations = " + config.maxReservations()
                                + ")");
            }
            if (ip != null && !sameIp) {
                long fromIp = reservations.values().stream()
                        .filter(r -> ip.equals(r.ip()))
                        .count();
                if (fromIp >= config.maxReservationsPerIp()) {
                    return new Decision.Refused(
                            CircuitStatus.RESERVATION_REFUSED,
                            fromIp + " reservations held from " + ip.getHostAddress() + " (maxReservationsPerIp = "
                                    + config.maxReservationsPerIp() + ")");
                }
            }
            Instant expiry = now.plus(config.reservationTtl());
            reservations.put(peer, new Reservation(expiry, ip));
            return new Decision.Granted(expiry);
        } finally {
            lock.unlock();
        }
    }

    /** Drops a reservation, e.g. when the reserving peer disconnected. */
    boolean remove(PeerId peer) {
        lock.lock();
        try {
            return reservations.remove(peer) != null;
        } finally {
            lock.unlock();
        }
    }

    Optional<Instant> expiry(PeerId peer, Instant now) {
        lock.lock();
        try {
            Reservation r = reservations.get(peer);
            return r == null || !r.expiry().isAfter(now) ? Optional.empty() : Optional.of(r.expiry());
        } finally {
            lock.unlock();
        }
    }

    int reservationCount(Instant now) {
        lock.lock();
        try {
            pruneExpired(now);
            return reservations.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts a circuit from {@code source} to {@code target} if the limits allow it; the caller closes it
     * with {@link #closeCircuit} once it ends.
     *
     * @return empty when admitted, else why not
     */
    Optional<String> openCircuit(PeerId source, PeerId target) {
        lock.lock();
        try {
            if (circuits >= config.maxCircuits()) {
                return Optional.of(circuits + " circuits open (maxCircuits = " + config.maxCircuits() + ")");
            }
            for (PeerId peer : new PeerId[] {source, target}) {
                int open = circuitsPerPeer.getOrDefault(peer, 0);
                if (open >= config.maxCircuitsPerPeer()) {
                    return Optional.of(open + " circuits open with " + peer + " (maxCircuitsPerPeer = "
                            + config.maxCircuitsPerPeer() + ")");
                }
            }
            circuits++;
            circuitsPerPeer.merge(source, 1, Integer::sum);
            circuitsPerPeer.merge(target, 1, Integer::sum);
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    void closeCircuit(PeerId source, PeerId target) {
        lock.lock();
        try {
            circuits--;
            circuitsPerPeer.computeIfPresent(source, (p, n) -> n <= 1 ? null : n - 1);
            circuitsPerPeer.computeIfPresent(target, (p, n) -> n <= 1 ? null : n - 1);
        } finally {
            lock.unlock();
        }
    }

    int circuitCount() {
        lock.lock();
        try {
            return circuits;
        } finally {
            lock.unlock();
        }
    }

    private void pruneExpired(Instant now) {
        for (Iterator<Reservation> it = reservations.values().iterator(); it.hasNext(); ) {
            if (!it.next().expiry().isAfter(now)) {
                it.remove();
            }
        }
    }
}
