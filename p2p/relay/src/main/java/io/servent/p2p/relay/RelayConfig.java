package io.servent.p2p.relay;

import java.time.Duration;

/**
 * How much a relay (the hop service) gives. Defaults follow go-libp2p's relay resources, which
 * js-libp2p copies: a one-hour reservation, circuits of two minutes and 128 KiB each way.
 *
 * @param reservationTtl how long a reservation lasts unless refreshed
 * @param maxReservations reservations held at once, over all peers
 * @param maxReservationsPerIp reservations from peers connected from one IP address
 * @param maxCircuits relayed connections open at once
 * @param maxCircuitsPerPeer relayed connections open at once from or to one peer
 * @param limit what each relayed connection may use; {@link RelayLimit#NONE} announces and enforces none
 * @param requestTimeout bound on reading a hop request, writing its answer, and waiting for the target's stop answer
 */
public record RelayConfig(
        Duration reservationTtl,
        int maxReservations,
        int maxReservationsPerIp,
        int maxCircuits,
        int maxCircuitsPerPeer,
        RelayLimit limit,
        Duration requestTimeout) {

    public RelayConfig {
        if (reservationTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("reservationTtl must be at least 1 s, got " + reservationTtl);
        }
        if (maxReservations < 0 || maxReservationsPerIp < 0 || maxCircuits < 0 || maxCircuitsPerPeer < 0) {
            throw new IllegalArgumentException("relay limits cannot be negative");
        }
        if (!requestTimeout.isPositive()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
    }

    public static RelayConfig defaults() {
        return new RelayConfig(
                Duration.ofHours(1),
                128,
                8,
                256,
                16,
                new RelayLimit(Duration.ofMinutes(2), 128 * 1024),
                Duration.ofSeconds(30));
    }

    public RelayConfig withReservationTtl(Duration value) {
        return new RelayConfig(
                value, maxReservations, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, limit, requestTimeout);
    }

    public RelayConfig withMaxReservations(int value) {
        return new RelayConfig(
                reservationTtl, value, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, limit, requestTimeout);
    }

    public RelayConfig withMaxReservationsPerIp(int value) {
        return new RelayConfig(
                reservationTtl, maxReservations, value, maxCircuits, maxCircuitsPerPeer, limit, requestTimeout);
    }

    public RelayConfig withMaxCircuits(int value) {
        return new RelayConfig(
                reservationTtl,
                maxReservations,
                maxReservationsPerIp,
                value,
                maxCircuitsPerPeer,
                limit,
                requestTimeout);
    }

    public RelayConfig withMaxCircuitsPerPeer(int value) {
        return new RelayConfig(
                reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, value, limit, requestTimeout);
    }

    public RelayConfig withLimit(RelayLimit value) {
        return new RelayConfig(
                reservationTtl,
                maxReservations,
                maxReservationsPerIp,
                maxCircuits,
                maxCircuitsPerPeer,
                value,
                requestTimeout);
    }

    public RelayConfig withRequestTimeout(Duration value) {
        return new RelayConfig(
                reservationTtl, maxReservations, maxReservationsPerIp, maxCircuits, maxCircuitsPerPeer, limit, value);
    }
}
