package io.servent.p2p.relay;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.Stream;
import io.servent.p2p.api.Transport;
import io.servent.p2p.api.TransportListener;
import io.servent.p2p.relay.proto.CircuitProto;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit relay v2 client as a {@link Transport}, so the host dials and listens on {@code
 * /p2p-circuit} addresses like any other.
 *
 * <ul>
 *   <li>Dialing {@code /…/p2p/RELAY/p2p-circuit/p2p/TARGET} connects to the relay (reusing an open
 *       connection), sends CONNECT on a hop stream, and returns that stream as the raw connection;
 *       the host then runs Noise and Yamux over it, as the spec says.
 *   <li>Listening on {@code /…/p2p/RELAY/p2p-circuit} makes a reservation on the relay and keeps it
 *       fresh ({@link RelayListener}); the listener's address is what others dial, followed by
 *       {@code /p2p/<self>}. Relayed connections arrive on {@code /libp2p/circuit/relay/0.2.0/stop}
 *       streams, which this transport answers and hands to the listener for that relay.
 * </ul>
 *
 * <p>It needs the host it serves, so it is made after the host and added to it: {@code
 * host.addTransport(new RelayTransport(host))}, then {@code host.listen(circuitAddress)}. Each stop
 * stream occupies its handler thread for the life of the relayed connection. Thread-safe.
 */
public final class RelayTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(RelayTransport.class);

    /** Bound on each hop or stop exchange (one request and its answer). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Host host;
    private final Clock clock;
    private final Duration requestTimeout;
    private final Map<PeerId, RelayListener> listeners = new ConcurrentHashMap<>();
    private final AutoCloseable subscription;
    private final AtomicBoolean closed = new AtomicBoolean();

    public RelayTransport(Host host) {
        this(host, REQUEST_TIMEOUT, Clock.systemUTC());
    }

    RelayTransport(Host host, Duration requestTimeout, Clock clock) {
        this.host = host;
        this.clock = clock;
        this.requestTimeout = requestTimeout;
        this.subscription = host.subscribe(event -> {
            if (event instanceof HostEvent.PeerDisconnected gone) {
                RelayListener listener = listeners.get(gone.peer());
                if (listener != null) {
                    listener.relayDisconnected();
                }
            }
        });
        host.setStreamHandler(CircuitRelay.STOP_PROTOCOL_ID, this::handleStop);
    }

    @Override
    public String name() {
        return "p2p-circuit";
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return CircuitAddress.isCircuit(address);
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return CircuitAddress.isCircuit(address);
    }

    @Override
    public RawConnection dial(Multiaddr address, Duration timeout) throws IOException {
        requireOpen();
        CircuitAddress circuit = parse(address);
        PeerId target = circuit.target()
                .orElseThrow(() -> new IOException("cannot dial " + address + ": it names no peer after /p2p-circuit"));
        if (target.equals(host.peerId())) {
            throw new IOException("refusing to dial " + address + ": it is this host's own PeerId");
        }
        Connection relay = connectToRelay(circuit);
        Stream hop = relay.newStream(CircuitRelay.HOP_PROTOCOL_ID);
        try {
            RelayLimit limit = RelayClient.connect(hop, target, timeout);
            log.debug("relayed connection to {} through {} (limit {})", target, circuit.relay(), limit);
            return new RelayedConnection(hop, relay.localAddress(), circuitAddressOf(relay), limit);
        } catch (IOException | RuntimeException e) {
            hop.reset();
            throw e;
        }
    }

    /** Makes a reservation and keeps it; the listener's address is what peers dial to reach this host. */
    @Override
    public TransportListener listen(Multiaddr address) throws IOException {
        requireOpen();
        CircuitAddress circuit = parse(address);
        if (circuit.target().isPresent()) {
            throw new IOException("listen on /…/p2p/RELAY/p2p-circuit, without a peer after it: " + address);
        }
        if (listeners.containsKey(circuit.relay())) {
            throw new IOException("already listening through relay " + circuit.relay());
        }
        Connection relay = connectToRelay(circuit);
        RelayReservation reservation = RelayClient.reserve(relay, requestTimeout, clock);
        Multiaddr listenAddress = circuit.relayAddress().isPresent()
                ? circuit.relayAddress().get().encapsulate(Multiaddr.parse("/p2p-circuit"))
                : reservation.circuitAddresses().stream().findFirst().orElse(circuitAddressOf(relay));
        RelayListener listener = new RelayListener(this, listenAddress, reservation, clock);
        if (listeners.putIfAbsent(circuit.relay(), listener) != null) {
            listener.close();
            throw new IOException("already listening through relay " + circuit.relay());
        }
        log.info(
                "reserved a slot on relay {} until {}; reachable at {}/p2p/{}",
                circuit.relay(),
                reservation.expiry(),
                listenAddress,
                host.peerId());
        return listener;
    }

    /**
     * Makes (or renews) a reservation on the relay, connecting to it first if needed, without
     * listening. Listening does this by itself; this is for callers that only want the reservation.
     */
    public RelayReservation reserve(Multiaddr relayAddress) throws IOException {
        requireOpen();
        PeerId relay = relayAddress
                .peerId()
                .orElseThrow(() -> new IllegalArgumentException("the relay address names no peer: " + relayAddress));
        Connection connection = host.connect(relayAddress);
        return RelayClient.reserve(checkDirect(connection, relay), requestTimeout, clock);
    }

    /** The reservation the listener through {@code relay} holds now, if this transport listens there. */
    public java.util.Optional<RelayReservation> reservation(PeerId relay) {
        RelayListener listener = listeners.get(relay);
        return listener == null ? java.util.Optional.empty() : java.util.Optional.of(listener.reservation());
    }

    RelayReservation reserveOn(PeerId relay, Multiaddr listenAddress) throws IOException {
        requireOpen();
        CircuitAddress circuit = CircuitAddress.parse(listenAddress);
        return RelayClient.reserve(connectToRelay(circuit), requestTimeout, clock);
    }

    void forget(RelayListener listener) {
        listeners.remove(listener.relay(), listener);
    }

    private Connection connectToRelay(CircuitAddress circuit) throws IOException {
        PeerId relay = circuit.relay();
        if (relay.equals(host.peerId())) {
            throw new IOException("this host cannot be its own relay");
        }
        Connection connection = circuit.relayAddress().isPresent()
                ? host.connect(circuit.relayAddress().get())
                : host.connect(relay);
        return checkDirect(connection, relay);
    }

    private static Connection checkDirect(Connection connection, PeerId relay) throws IOException {
        if (RelayService.isRelayed(connection)) {
            throw new IOException("the only connection to relay " + relay + " is itself relayed; relays do not chain");
        }
        return connection;
    }

    private static CircuitAddress parse(Multiaddr address) throws IOException {
        try {
            return CircuitAddress.parse(address);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** {@code /<relay's address>/p2p/RELAY/p2p-circuit} as seen on {@code connection}. */
    private static Multiaddr circuitAddressOf(Connection connection) {
        return connection
                .remoteAddress()
                .withPeerId(connection.remotePeer())
                .encapsulate(Multiaddr.parse("/p2p-circuit"));
    }

    private void handleStop(Stream stream) throws IOException {
        stream.setReadTimeout(requestTimeout);
        stream.setWriteTimeout(requestTimeout);
        PeerId relay = stream.remotePeer();
        CircuitProto.StopMessage request;
        try {
            request = CircuitMessages.readStop(stream);
        } catch (ProtocolViolationException e) {
            log.info("refusing a stop request from {}: {}", relay, e.getMessage());
            CircuitMessages.write(stream, CircuitMessages.stopStatus(CircuitStatus.MALFORMED_MESSAGE));
            return;
        }
        if (request.getType() != CircuitProto.StopMessage.Type.CONNECT) {
            log.info("refusing a stop {} from {}: only CONNECT is a request", request.getType(), relay);
            CircuitMessages.write(stream, CircuitMessages.stopStatus(CircuitStatus.UNEXPECTED_MESSAGE));
            return;
        }
        PeerId source;
        try {
            if (!request.hasPeer()) {
                throw new ProtocolViolationException("stop CONNECT names no peer");
            }
            source = CircuitMessages.peerId(request.getPeer());
        } catch (ProtocolViolationException e) {
            log.info("refusing a stop request from {}: {}", relay, e.getMessage());
            CircuitMessages.write(stream, CircuitMessages.stopStatus(CircuitStatus.MALFORMED_MESSAGE));
            return;
        }
        if (source.equals(host.peerId()) || source.equals(relay)) {
            log.info("refusing a relayed connection from {} through {}: not from a third peer", source, relay);
            CircuitMessages.write(stream, CircuitMessages.stopStatus(CircuitStatus.PERMISSION_DENIED));
            return;
        }
        RelayListener listener = listeners.get(relay);
        if (listener == null || !listener.hasRoom()) {
            log.info(
                    "refusing a relayed connection from {} through {}: {}",
                    source,
                    relay,
                    listener == null ? "not listening through that relay" : "too many waiting to be accepted");
            CircuitMessages.write(stream, CircuitMessages.stopStatus(CircuitStatus.CONNECTION_FAILED));
            return;
        }
        RelayLimit limit = request.hasLimit() ? RelayLimit.fromProto(request.getLimit()) : RelayLimit.NONE;
        RelayedConnection connection =
                new RelayedConnection(stream, listener.address(), circuitAddressOf(stream.connection()), limit);
        CircuitMessages.write(stream, CircuitMessages.stopStatus(CircuitStatus.OK));
        stream.setReadTimeout(Duration.ZERO);
        stream.setWriteTimeout(Duration.ZERO);
        if (!listener.offer(connection)) {
            connection.close();
            return;
        }
        log.debug("relayed connection from {} through {} (limit {})", source, relay, limit);
        try {
            connection.awaitClosed();
        } catch (InterruptedException e) {
            connection.close();
        }
    }

    /** Relays this transport listens through. */
    public List<PeerId> relays() {
        return List.copyOf(listeners.keySet());
    }

    private void requireOpen() throws IOException {
        if (closed.get()) {
            throw new IOException("the relay transport is closed");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        host.removeStreamHandler(CircuitRelay.STOP_PROTOCOL_ID);
        try {
            subscription.close();
        } catch (Exception ignored) {
            // Unsubscribing cannot meaningfully fail.
        }
        List.copyOf(listeners.values()).forEach(RelayListener::close);
    }
}
