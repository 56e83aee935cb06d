package io.servent.p2p.relay;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.Stream;
import io.servent.p2p.relay.proto.CircuitProto;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay: serves {@code /libp2p/circuit/relay/0.2.0/hop}. It grants reservations within {@link
 * RelayConfig}'s limits, each with a signed voucher and the relay's own addresses, and drops a
 * reservation when its peer disconnects (the spec ties a reservation to the connection). A CONNECT
 * to a peer holding a reservation opens a stop stream to it and splices the two streams with the
 * configured {@link RelayLimit}. Requests over relayed connections are refused: relays do not chain.
 *
 * <p>Threads: each hop stream runs on the host's handler thread, which for a circuit lasts as long
 * as the circuit, plus the two copy threads of {@link CircuitSplice}. Thread-safe.
 */
public final class RelayService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayService.class);

    private final Host host;
    private final RelayConfig config;
    private final Clock clock;
    private final RelayResources resources;
    private final AutoCloseable subscription;

    public RelayService(Host host, RelayConfig config) {
        this(host, config, Clock.systemUTC());
    }

    RelayService(Host host, RelayConfig config, Clock clock) {
        this.host = host;
        this.config = config;
        this.clock = clock;
        this.resources = new RelayResources(config);
        this.subscription = host.subscribe(event -> {
            if (event instanceof HostEvent.PeerDisconnected gone && resources.remove(gone.peer())) {
                log.debug("dropped the reservation of {}: it disconnected", gone.peer());
            }
        });
        host.setStreamHandler(CircuitRelay.HOP_PROTOCOL_ID, this::handleHop);
    }

    public RelayConfig config() {
        return config;
    }

    /** When {@code peer}'s reservation ends, if it holds one. */
    public Optional<Instant> reservationExpiry(PeerId peer) {
        return resources.expiry(peer, clock.instant());
    }

    public int reservationCount() {
        return resources.reservationCount(clock.instant());
    }

    public int circuitCount() {
        return resources.circuitCount();
    }

    private void handleHop(Stream stream) throws IOException {
        stream.setReadTimeout(config.requestTimeout());
        stream.setWriteTimeout(config.requestTimeout());
        CircuitProto.HopMessage request;
        try {
            request = CircuitMessages.readHop(stream);
        } catch (ProtocolViolationException e) {
            log.info("refusing a hop request from {}: {}", stream.remotePeer(), e.getMessage());
            CircuitMessages.write(stream, CircuitMessages.hopStatus(CircuitStatus.MALFORMED_MESSAGE));
            return;
        }
        switch (request.getType()) {
            case RESERVE -> reserve(stream);
            case CONNECT -> connect(stream, request);
            default -> {
                log.info(
                        "refusing a hop {} from {}: only RESERVE and CONNECT are requests",
                        request.getType(),
                        stream.remotePeer());
                CircuitMessages.write(stream, CircuitMessages.hopStatus(CircuitStatus.UNEXPECTED_MESSAGE));
            }
        }
    }

    private void reserve(Stream stream) throws IOException {
        Connection connection = stream.connection();
        PeerId peer = connection.remotePeer();
        if (isRelayed(connection)) {
            log.info("refusing a reservation from {}: it came over a relayed connection", peer);
            CircuitMessages.write(stream, CircuitMessages.hopStatus(CircuitStatus.PERMISSION_DENIED));
            return;
        }
        RelayResources.Decision decision = resources.reserve(peer, ipOf(connection.remoteAddress()), clock.instant());
        if (decision instanceof RelayResources.Decision.Refused refused) {
            log.info("refusing a reservation from {}: {}", peer, refused.reason());
            CircuitMessages.write(stream, CircuitMessages.hopStatus(refused.status()));
            return;
        }
        Instant expiry = ((RelayResources.Decision.Granted) decision).expiry();
        CircuitProto.Reservation.Builder reservation = CircuitProto.Reservation.newBuilder()
                .setExpire(expiry.getEpochSecond())
                .setVoucher(ByteString.copyFrom(new ReservationVoucher(host.peerId(), peer, expiry).seal(host)));
        relayAddresses().forEach(a -> reservation.addAddrs(ByteString.copyFrom(a.bytes())));
        CircuitProto.HopMessage.Builder response = CircuitProto.HopMessage.newBuilder()
                .setType(CircuitProto.HopMessage.Type.STATUS)
                .setStatus(CircuitProto.Status.OK)
                .setReservation(reservation);
        config.limit().toProto().ifPresent(response::setLimit);
        try {
            CircuitMessages.write(stream, response.build());
            stream.closeWrite();
        } catch (IOException e) {
            resources.remove(peer);
            throw e;
        }
        log.debug("reservation for {} until {}", peer, expiry);
    }

    /** This relay's own addresses, each ending in {@code /p2p/<relay>}, never a circuit address. */
    private List<Multiaddr> relayAddresses() {
        return host.advertisedAddresses().stream()
                .filter(a -> !a.has(MultiaddrProtocol.P2P_CIRCUIT))
                .limit(CircuitRelay.MAX_ADDRESSES)
                .map(a -> a.withPeerId(host.peerId()))
                .toList();
    }

    private void connect(Stream stream, CircuitProto.HopMessage request) throws IOException {
        Connection connection = stream.connection();
        PeerId source = connection.remotePeer();
        if (isRelayed(connection)) {
            log.info("refusing a connect from {}: it came over a relayed connection", source);
            CircuitMessages.write(stream, CircuitMessages.hopStatus(CircuitStatus.PERMISSION_DENIED));
            return;
        }
        PeerId target;
        try {
            if (!request.hasPeer()) {
                throw new ProtocolViolationException("CONNECT names no peer");
            }
            target = CircuitMessages.peerId(request.getPeer());
        } catch (ProtocolViolationException e) {
            log.info("refusing a connect from {}: {}", source, e.getMessage());
            CircuitMessages.write(stream, CircuitMessages.hopStatus(CircuitStatus.MALFORMED_MESSAGE));
            return;
        }
        if (target.equals(source) || target.equals(host.peerId())) {
            log.info("refusing a connect from {} to {}: a circuit joins two other peers", source, target);
            CircuitMessages.write(stream, CircuitMessages.hopStatus(CircuitStatus.PERMISSION_DENIED));
            return;
        }
        // Newest first, but every direct connection is a candidate: a connection can be closing
        // as we pick it (an AutoNAT dial-back from the target registers here and is closed by it
        // at once), and the circuit should not fail while an older one still works.
        List<Connection> toTarget = resources.expiry(target, clock.instant()).isEmpty()
                ? List.of()
                : host.connections(target).stream()
                        .filter(Connection::isOpen)
                        .filter(c -> !isRelayed(c))
                        .sorted(Comparator.comparing(Connection::openedAt).reversed())
                        .toList();
        if (toTarget.isEmpty()) {
            log.debug("refusing a connect from {} to {}: no reservation", source, target);
            CircuitMessages.write(stream, CircuitMessages.hopStatus(CircuitStatus.NO_RESERVATION));
            return;
        }
        Optional<String> refusal = resources.openCircuit(source, target);
        if (refusal.isPresent()) {
            log.info("refusing a connect from {} to {}: {}", source, target, refusal.get());
            CircuitMessages.write(stream, CircuitMessages.hopStatus(CircuitStatus.RESOURCE_LIMIT_EXCEEDED));
            return;
        }
        try {
            @Nullable Stream stop = openStop(toTarget, source);
            if (stop == null) {
                CircuitMessages.write(stream, CircuitMessages.hopStatus(CircuitStatus.CONNECTION_FAILED));
                return;
            }
            try {
                CircuitProto.HopMessage.Builder ok = CircuitProto.HopMessage.newBuilder()
                        .setType(CircuitProto.HopMessage.Type.STATUS)
                        .setStatus(CircuitProto.Status.OK);
                config.limit().toProto().ifPresent(ok::setLimit);
                CircuitMessages.write(stream, ok.build());
                stream.setWriteTimeout(java.time.Duration.ZERO);
                stop.setWriteTimeout(java.time.Duration.ZERO);
                log.debug("circuit {} -> {} open", source, target);
                new CircuitSplice(stream, stop, config.limit()).run();
            } finally {
                stop.reset();
            }
        } finally {
            resources.closeCircuit(source, target);
        }
    }

    /**
     * Asks the target to take the circuit over a stop stream, on the first of {@code connections}
     * (newest first) where the exchange completes; null if none can or the target will not.
     */
    private @Nullable Stream openStop(List<Connection> connections, PeerId source) {
        @Nullable IOException failure = null;
        for (Connection target : connections) {
            Stream stop;
            try {
                stop = target.newStream(CircuitRelay.STOP_PROTOCOL_ID);
            } catch (IOException e) {
                failure = e;
                continue;
            }
            try {
                stop.setReadTimeout(config.requestTimeout());
                stop.setWriteTimeout(config.requestTimeout());
                CircuitProto.StopMessage.Builder connect = CircuitProto.StopMessage.newBuilder()
                        .setType(CircuitProto.StopMessage.Type.CONNECT)
                        .setPeer(CircuitProto.Peer.newBuilder().setId(ByteString.copyFrom(source.bytes())));
                config.limit().toProto().ifPresent(connect::setLimit);
                CircuitMessages.write(stop, connect.build());
                CircuitProto.StopMessage response = CircuitMessages.readStop(stop);
                if (response.getType() != CircuitProto.StopMessage.Type.STATUS) {
                    throw new ProtocolViolationException("expected a STATUS, got " + response.getType());
                }
                CircuitStatus status = CircuitMessages.status(response.hasStatus(), response.getStatus(), "stop");
                if (status != CircuitStatus.OK) {
                    log.info("{} declined a circuit from {}: {}", target.remotePeer(), source, status);
                    stop.reset();
                    return null;
                }
                return stop;
            } catch (ProtocolViolationException e) {
                log.info("stop handshake with {} failed: {}", target.remotePeer(), e.getMessage());
                stop.reset();
                return null;
            } catch (IOException e) {
                stop.reset();
                failure = e;
            }
        }
        log.info(
                "could not reach {} for a circuit from {} on any of its {} connections: {}",
                connections.get(0).remotePeer(),
                source,
                connections.size(),
                failure == null ? "none open" : failure.getMessage());
        return null;
    }

    static boolean isRelayed(Connection connection) {
        return connection.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT);
    }

    private static @Nullable InetAddress ipOf(Multiaddr address) {
        return address.toTcpSocketAddress().map(InetSocketAddress::getAddress).orElse(null);
    }

    @Override
    public void close() {
        host.removeStreamHandler(CircuitRelay.HOP_PROTOCOL_ID);
        try {
            subscription.close();
        } catch (Exception ignored) {
            // Unsubscribing cannot meaningfully fail.
        }
    }
}
