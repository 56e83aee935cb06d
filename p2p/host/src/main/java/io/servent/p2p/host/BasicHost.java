package io.servent.p2p.host;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Direction;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.MuxedConnection;
import io.servent.p2p.api.MuxedStream;
import io.servent.p2p.api.OwnedThreads;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Peerstore;
import io.servent.p2p.api.PrivateKey;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.ResourceLimitException;
import io.servent.p2p.api.SecurityProtocol;
import io.servent.p2p.api.Stream;
import io.servent.p2p.api.StreamHandler;
import io.servent.p2p.api.StreamMuxer;
import io.servent.p2p.api.Transport;
import io.servent.p2p.api.TransportListener;
import io.servent.p2p.multistream.Multistream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servent host. Owns its listeners, connections, handler threads and a timer thread, and
 * closes all of them on {@link #close()}.
 *
 * <p>Threads: one virtual accept thread per listener, one virtual thread per inbound upgrade, one
 * per inbound stream handler, one per event subscriber, plus the muxer's reader per connection and
 * the platform {@code host-timer} thread for deadlines. The connection registry lock guards only
 * in-memory maps and is never held across I/O. Thread-safe.
 */
public final class BasicHost implements Host {
    private static final Logger log = LoggerFactory.getLogger(BasicHost.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_ADDRESSES_PER_DIAL = 16;

    private final PrivateKey key;
    private final PeerId self;
    private final HostConfig config;
    /** Fixed at build time, plus any added with {@link #addTransport} (the relay transport needs the host). */
    private final List<Transport> transports;

    private final Upgrader upgrader;
    private final MemoryPeerstore peerstore = new MemoryPeerstore();
    private final HostMetrics metrics = new HostMetrics();
    private final OwnedThreads threads = new OwnedThreads("the host");
    private final EventBus events = new EventBus(threads);
    private final ScheduledExecutorService timer;
    /** False when the builder was given a shared timer, which its owner shuts down. */
    private final boolean ownsTimer;

    private final ConnectionTrimmer trimmer;

    private final Map<String, StreamHandler> handlers = new ConcurrentHashMap<>();
    private final List<TransportListener> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock registryLock = new ReentrantLock();
    /** Signalled (under {@link #registryLock}) whenever the last connection leaves the registry. */
    private final Condition registryEmptied = registryLock.newCondition();

    private final Map<PeerId, List<HostConnection>> connectionsByPeer = new HashMap<>();
    private final Map<InetAddress, Integer> inboundPerIp = new HashMap<>();
    private final Map<PeerId, CompletableFuture<Connection>> pendingDials = new ConcurrentHashMap<>();
    private final Map<PeerId, Set<String>> protectedPeers = new ConcurrentHashMap<>();
    private final Semaphore pendingHandshakes;
    private final Semaphore handlerPermits;
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicBoolean trimming = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    BasicHost(
            PrivateKey key,
            HostConfig config,
            List<Transport> transports,
            List<SecurityProtocol> security,
            List<StreamMuxer> muxers,
            @Nullable ScheduledExecutorService sharedTimer) {
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("a host needs at least one transport");
        }
        this.key = key;
        this.self = key.publicKey().peerId();
        this.config = config;
        this.transports = new CopyOnWriteArrayList<>(transports);
        this.ownsTimer = sharedTimer == null;
        this.timer = sharedTimer != null ? sharedTimer : newTimer(self);
        this.upgrader = new Upgrader(key, security, muxers, config.upgradeTimeout(), timer);
        this.trimmer = new ConnectionTrimmer(config.lowWater(), config.highWater(), config.gracePeriod());
        this.pendingHandshakes = new Semaphore(config.limits().maxPendingHandshakes());
        this.handlerPermits = new Semaphore(config.limits().maxInboundStreamHandlers());
        peerstore.setProtected(this::isConnected);
    }

    public static BasicHostBuilder builder(PrivateKey key) {
        return new BasicHostBuilder(key);
    }

    HostConfig config() {
        return config;
    }

    /** Traffic per protocol, failed handshakes and refusals, for dashboards and metrics exporters. */
    public HostMetrics metrics() {
        return metrics;
    }

    @Override
    public PeerId peerId() {
        return self;
    }

    @Override
    public PublicKey publicKey() {
        return key.publicKey();
    }

    @Override
    public byte[] sign(byte[] data) {
        return key.sign(data);
    }

    // ---- listening and inbound connections ----

    @Override
    public void start() throws IOException {
        requireOpen();
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("host already started");
        }
        try {
            for (Multiaddr address : config.listenAddresses()) {
                bind(address);
            }
        } catch (IOException | RuntimeException e) {
            listeners.forEach(BasicHost::closeQuietly);
            listeners.clear();
            throw e;
        }
        events.publish(new HostEvent.LocalAddressesChanged(listenAddresses()));
    }

    /**
     * Adds a transport after the host is built. The circuit relay transport needs this: it opens
     * streams through the host, so it can only be made once the host exists. Later dials and
     * {@link #listen} calls consider it after the transports the host was built with.
     */
    public void addTransport(Transport transport) {
        if (closed.get()) {
            throw new IllegalStateException("the host is closed");
        }
        transports.add(transport);
    }

    /**
     * Listens on one more address while running (e.g. {@code /ip4/…/tcp/…/p2p/RELAY/p2p-circuit}
     * after a relay reservation), and announces the new address set with {@link
     * HostEvent.LocalAddressesChanged}. Connections accepted there take the same inbound path as
     * those on the configured addresses: handshake limits, upgrade, registration.
     *
     * @return the bound address
     */
    public Multiaddr listen(Multiaddr address) throws IOException {
        requireOpen();
        TransportListener listener = bind(address);
        events.publish(new HostEvent.LocalAddressesChanged(listenAddresses()));
        return listener.address();
    }

    private TransportListener bind(Multiaddr address) throws IOException {
        Transport transport = transports.stream()
                .filter(t -> t.canListen(address))
                .findFirst()
                .orElseThrow(() -> new IOException("no transport can listen on " + address));
        TransportListener listener = transport.listen(address);
        listeners.add(listener);
        try {
            threads.start("host-accept", () -> acceptLoop(listener));
        } catch (IllegalStateException closing) {
            listeners.remove(listener);
            closeQuietly(listener);
            throw new IOException("the host is closed");
        }
        log.info("listening on {}/p2p/{}", listener.address(), self);
        return listener;
    }

    private void acceptLoop(TransportListener listener) {
        while (!closed.get()) {
            RawConnection raw;
            try {
                raw = listener.accept();
            } catch (IOException e) {
                if (!closed.get() && listeners.remove(listener)) {
                    // Relay listeners end when their reservation is gone for good; stop advertising them.
                    log.warn("listener {} failed, no longer accepting there: {}", listener.address(), e.getMessage());
                    closeQuietly(listener);
                    events.publish(new HostEvent.LocalAddressesChanged(listenAddresses()));
                }
                return;
            }
            admitInbound(raw);
        }
    }

    private void admitInbound(RawConnection raw) {
        if (!pendingHandshakes.tryAcquire()) {
            metrics.refused(HostMetrics.Refusal.PENDING_HANDSHAKES);
            log.info(
                    "refusing inbound connection from {}: {} handshakes already pending (maxPendingHandshakes = {})",
                    raw.remoteAddress(),
                    config.limits().maxPendingHandshakes(),
                    config.limits().maxPendingHandshakes());
            closeQuietly(raw);
            return;
        }
        @Nullable InetAddress ip = ipOf(raw.remoteAddress());
        if (!reserveInboundIp(ip)) {
            pendingHandshakes.release();
            metrics.refused(HostMetrics.Refusal.CONNECTIONS_PER_IP);
            log.info(
                    "refusing inbound connection from {}: {} connections from that address already "
                            + "(maxInboundConnectionsPerIp = {})",
                    raw.remoteAddress(),
                    config.limits().maxInboundConnectionsPerIp(),
                    config.limits().maxInboundConnectionsPerIp());
            closeQuietly(raw);
            return;
        }
        try {
            threads.start("host-upgrade", () -> upgradeInbound(raw, ip));
        } catch (IllegalStateException closing) {
            pendingHandshakes.release();
            releaseInboundIp(ip);
            closeQuietly(raw);
        }
    }

    private void upgradeInbound(RawConnection raw, @Nullable InetAddress ip) {
        boolean registered = false;
        try {
            Upgrader.Upgraded upgraded;
            try {
                upgraded = upgrader.inbound(raw);
            } catch (IOException e) {
                if (!closed.get()) {
                    metrics.handshakeFailed(Direction.INBOUND, e);
                }
                throw e;
            }
            register(upgraded, Direction.INBOUND, ip);
            registered = true;
        } catch (IOException e) {
            if (!closed.get()) {
                log.info("closing inbound connection from {}: {}", raw.remoteAddress(), describe(e));
            }
            closeQuietly(raw);
        } catch (RuntimeException e) {
            log.warn("closing inbound connection from {} after an internal error", raw.remoteAddress(), e);
            closeQuietly(raw);
        } finally {
            pendingHandshakes.release();
            if (!registered) {
                releaseInboundIp(ip);
            }
        }
    }

    /**
     * The source IP for the per-IP limit. None for relayed connections: their address starts with
     * the relay's IP, which would otherwise make every peer behind one relay share one quota.
     */
    private static @Nullable InetAddress ipOf(Multiaddr address) {
        if (address.has(MultiaddrProtocol.P2P_CIRCUIT)) {
            return null;
        }
        return address.toTcpSocketAddress().map(InetSocketAddress::getAddress).orElse(null);
    }

    private boolean reserveInboundIp(@Nullable InetAddress ip) {
        if (ip == null) {
            return true;
        }
        registryLock.lock();
        try {
            int count = inboundPerIp.getOrDefault(ip, 0);
            if (count >= config.limits().maxInboundConnectionsPerIp()) {
                return false;
            }
            inboundPerIp.put(ip, count + 1);
            return true;
        } finally {
            registryLock.unlock();
        }
    }

    private void releaseInboundIp(@Nullable InetAddress ip) {
        if (ip == null) {
            return;
        }
        registryLock.lock();
        try {
            inboundPerIp.computeIfPresent(ip, (k, v) -> v <= 1 ? null : v - 1);
        } finally {
            registryLock.unlock();
        }
    }

    // ---- the connection registry ----

    private HostConnection register(Upgrader.Upgraded upgraded, Direction direction, @Nullable InetAddress inboundIp)
            throws ResourceLimitException {
        HostConnection connection =
                new HostConnection("c" + connectionIds.incrementAndGet(), this, upgraded, direction);
        PeerId peer = connection.remotePeer();
        boolean first;
        registryLock.lock();
        try {
            @Nullable String refusal = closed.get() ? "the host is closing" : refusal(peer);
            if (refusal != null) {
                closeQuietly(upgraded.muxed());
                if (!closed.get()) {
                    metrics.refused(HostMetrics.Refusal.CONNECTIONS);
                }
                throw new ResourceLimitException(refusal);
            }
            List<HostConnection> forPeer = connectionsByPeer.computeIfAbsent(peer, p -> new ArrayList<>());
            first = forPeer.isEmpty();
            forPeer.add(connection);
        } finally {
            registryLock.unlock();
        }
        peerstore.putPublicKey(peer, connection.remotePublicKey());
        if (direction == Direction.OUTBOUND) {
            peerstore.addAddresses(peer, List.of(connection.remoteAddress()), Peerstore.CONNECTED_TTL);
        }
        upgraded.muxed().start(new MuxedConnection.Listener() {
            @Override
            public void onStream(MuxedStream stream) {
                dispatchInbound(connection, stream);
            }

            @Override
            public void onClose(@Nullable Throwable cause) {
                unregister(connection, inboundIp, cause);
            }
        });
        log.debug("connection {} opened", connection);
        events.publish(new HostEvent.ConnectionOpened(connection));
        if (first) {
            events.publish(new HostEvent.PeerConnected(peer, connection));
        }
        maybeTrim();
        return connection;
    }

    /** Why a new connection to {@code peer} is refused, or null. Caller holds the registry lock. */
    private @Nullable String refusal(PeerId peer) {
        HostLimits limits = config.limits();
        int total = connectionsByPeer.values().stream().mapToInt(List::size).sum();
        if (total >= limits.maxConnections()) {
            return "connection limit reached: " + total + " connections open (maxConnections = "
                    + limits.maxConnections() + ")";
        }
        int toPeer = connectionsByPeer.getOrDefault(peer, List.of()).size();
        if (toPeer >= limits.maxConnectionsPerPeer()) {
            return "connection limit reached: " + toPeer + " connections open to " + peer + " (maxConnectionsPerPeer = "
                    + limits.maxConnectionsPerPeer() + ")";
        }
        return null;
    }

    private void unregister(HostConnection connection, @Nullable InetAddress inboundIp, @Nullable Throwable cause) {
        connection.markClosed();
        PeerId peer = connection.remotePeer();
        boolean last = false;
        registryLock.lock();
        try {
            List<HostConnection> forPeer = connectionsByPeer.get(peer);
            if (forPeer != null && forPeer.remove(connection) && forPeer.isEmpty()) {
                connectionsByPeer.remove(peer);
                last = true;
                if (connectionsByPeer.isEmpty()) {
                    registryEmptied.signalAll();
                }
            }
        } finally {
            registryLock.unlock();
        }
        releaseInboundIp(inboundIp);
        String reason = cause == null ? "closed" : describe(cause);
        log.debug("connection {} closed: {}", connection, reason);
        events.publish(new HostEvent.ConnectionClosed(connection, reason));
        if (last) {
            peerstore.addAddresses(peer, peerstore.addresses(peer), Peerstore.RECENTLY_CONNECTED_TTL);
            events.publish(new HostEvent.PeerDisconnected(peer));
        }
    }

    private List<HostConnection> allConnections() {
        registryLock.lock();
        try {
            return connectionsByPeer.values().stream().flatMap(List::stream).toList();
        } finally {
            registryLock.unlock();
        }
    }

    private List<HostConnection> connectionsTo(PeerId peer) {
        registryLock.lock();
        try {
            return List.copyOf(connectionsByPeer.getOrDefault(peer, List.of()));
        } finally {
            registryLock.unlock();
        }
    }

    private boolean isConnected(PeerId peer) {
        return !connectionsTo(peer).isEmpty();
    }

    int streamCount(PeerId peer) {
        return connectionsTo(peer).stream()
                .mapToInt(HostConnection::streamCount)
                .sum();
    }

    @Override
    public List<Connection> connections() {
        return List.copyOf(allConnections());
    }

    @Override
    public List<Connection> connections(PeerId peer) {
        return List.copyOf(connectionsTo(peer));
    }

    /**
     * The connection new streams to {@code peer} use, chosen as go-libp2p does: a direct one before a
     * relayed one, then the one carrying more streams, then the newest. Preferring the newest alone
     * would pick a connection another peer opened only to probe us (an AutoNAT dial-back), which is
     * idle and about to close.
     */
    private Optional<HostConnection> openConnectionTo(PeerId peer) {
        return connectionsTo(peer).stream()
                .filter(HostConnection::isOpen)
                .max(Comparator.comparing(
                                (HostConnection c) -> !c.remoteAddress().has(MultiaddrProtocol.P2P_CIRCUIT))
                        .thenComparingInt(c -> c.streams().size())
                        .thenComparing(HostConnection::openedAt));
    }

    @Override
    public void disconnect(PeerId peer) {
        connectionsTo(peer).forEach(HostConnection::close);
    }

    /** Keeps connections to {@code peer} from being trimmed while any tag protects it. */
    public void protect(PeerId peer, String tag) {
        protectedPeers.computeIfAbsent(peer, p -> ConcurrentHashMap.newKeySet()).add(tag);
    }

    public void unprotect(PeerId peer, String tag) {
        protectedPeers.computeIfPresent(peer, (p, tags) -> {
            tags.remove(tag);
            return tags.isEmpty() ? null : tags;
        });
    }

    private void maybeTrim() {
        if (trimmer.needsTrim(allConnections().size()) && trimming.compareAndSet(false, true)) {
            try {
                threads.start("host-trim", this::trim);
            } catch (IllegalStateException closing) {
                trimming.set(false);
            }
        }
    }

    private void trim() {
        try {
            List<ConnectionTrimmer.Candidate<HostConnection>> candidates = allConnections().stream()
                    .map(c -> new ConnectionTrimmer.Candidate<>(
                            c, c.openedAt(), protectedPeers.containsKey(c.remotePeer()), c.streamCount()))
                    .toList();
            List<HostConnection> victims = trimmer.select(candidates, Instant.now());
            if (!victims.isEmpty()) {
                log.info(
                        "trimming {} of {} connections (high watermark {}, low watermark {})",
                        victims.size(),
                        candidates.size(),
                        config.highWater(),
                        config.lowWater());
            }
            victims.forEach(HostConnection::close);
        } finally {
            trimming.set(false);
        }
    }

    // ---- inbound streams ----

    /** Runs on the muxer's reader thread: admit or refuse quickly, and hand the stream to its own thread. */
    private void dispatchInbound(HostConnection connection, MuxedStream stream) {
        if (closed.get()) {
            stream.reset();
            return;
        }
        try {
            connection.admitStream();
        } catch (ResourceLimitException e) {
            stream.reset();
            metrics.refused(HostMetrics.Refusal.STREAMS);
            if (connection.refusedAndFlooding()) {
                log.info(
                        "closing connection {}: the peer keeps opening streams beyond the limit ({})",
                        connection,
                        e.getMessage());
                // Not on this (the muxer's reader) thread: closing writes a GoAway and may block.
                closeInBackground(connection);
            } else {
                log.debug("refused a stream on {}: {}", connection, e.getMessage());
            }
            return;
        }
        if (!handlerPermits.tryAcquire()) {
            metrics.refused(HostMetrics.Refusal.STREAM_HANDLERS);
            connection.abandon();
            stream.reset();
            log.warn(
                    "refused a stream on {}: {} stream handlers already running (maxInboundStreamHandlers)",
                    connection,
                    config.limits().maxInboundStreamHandlers());
            return;
        }
        try {
            threads.start("stream-handler", () -> {
                try {
                    serveInbound(connection, stream);
                } finally {
                    handlerPermits.release();
                }
            });
        } catch (IllegalStateException closing) {
            handlerPermits.release();
            connection.abandon();
            stream.reset();
        }
    }

    private void closeInBackground(HostConnection connection) {
        try {
            threads.start("host-close", connection::close);
        } catch (IllegalStateException closing) {
            // The host is closing every connection anyway.
        }
    }

    private void serveInbound(HostConnection connection, MuxedStream muxed) {
        String protocol;
        try {
            protocol = Multistream.handle(
                    muxed.in(),
                    muxed.out(),
                    handlers::containsKey,
                    handlers.keySet(),
                    muxed::setReadTimeout,
                    config.negotiationTimeout());
        } catch (IOException e) {
            log.debug("stream negotiation on {} failed: {}", connection, describe(e));
            muxed.reset();
            connection.abandon();
            return;
        }
        StreamHandler handler = handlers.get(protocol);
        if (handler == null) {
            muxed.reset();
            connection.abandon();
            return;
        }
        HostStream stream = connection.track(new HostStream(muxed, protocol, connection, Direction.INBOUND));
        try {
            handler.handle(stream);
            closeQuietly(stream);
        } catch (IOException e) {
            log.debug("{} handler ended with {}", protocol, describe(e));
            stream.reset();
        } catch (InterruptedException e) {
            stream.reset();
        } catch (Exception e) {
            log.warn("{} handler failed on {}", protocol, stream, e);
            stream.reset();
        }
    }

    @Override
    public void setStreamHandler(String protocol, StreamHandler handler) {
        if (!protocol.startsWith("/") || !Multistream.isProposable(protocol)) {
            throw new IllegalArgumentException("protocol ids start with '/' and are at most "
                    + Multistream.MAX_PROTOCOL_ID_LENGTH + " characters without newlines: '" + protocol + "'");
        }
        handlers.put(protocol, handler);
        events.publish(new HostEvent.LocalProtocolsChanged(protocols()));
    }

    @Override
    public void removeStreamHandler(String protocol) {
        if (handlers.remove(protocol) != null) {
            events.publish(new HostEvent.LocalProtocolsChanged(protocols()));
        }
    }

    @Override
    public Set<String> protocols() {
        return Set.copyOf(handlers.keySet());
    }

    // ---- dialing ----

    @Override
    public Connection connect(Multiaddr address) throws IOException {
        requireOpen();
        Optional<PeerId> peer = address.peerId();
        if (peer.isPresent()) {
            if (peer.get().equals(self)) {
                throw new IOException("refusing to dial " + address + ": it is this host's own PeerId");
            }
            Optional<HostConnection> existing = openConnectionTo(peer.get());
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        return dial(address, peer);
    }

    private Connection dial(Multiaddr address, Optional<PeerId> peer) throws IOException {
        return register(dialAndUpgrade(address, peer), Direction.OUTBOUND, null);
    }

    private Upgrader.Upgraded dialAndUpgrade(Multiaddr address, Optional<PeerId> peer) throws IOException {
        // A circuit address keeps its target: /p2p/TARGET after /p2p-circuit is what the relay
        // transport connects to, not a peer id the host checks on its own.
        Multiaddr bare = address.has(MultiaddrProtocol.P2P_CIRCUIT) ? address : address.withoutPeerId();
        Transport transport = transports.stream()
                .filter(t -> t.canDial(bare))
                .findFirst()
                .orElseThrow(() -> new IOException("no transport can dial " + address));
        RawConnection raw;
        try {
            raw = transport.dial(bare, config.dialTimeout());
        } catch (IOException e) {
            metrics.dialFailed(e);
            throw e;
        }
        try {
            return upgrader.outbound(raw, peer);
        } catch (IOException e) {
            closeQuietly(raw);
            metrics.handshakeFailed(Direction.OUTBOUND, e);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    /**
     * Opens a new connection to {@code address}, which must end in {@code /p2p/<id>}, completes the
     * upgrade (proving that identity), then closes it without registering it. AutoNAT dial-backs
     * need this: they test one address of a peer, so they must neither reuse an open connection to
     * that peer nor leave a second one behind.
     *
     * @throws IOException if the address cannot be dialed or the handshake fails
     */
    public void probe(Multiaddr address) throws IOException {
        requireOpen();
        PeerId peer = address.peerId()
                .orElseThrow(() -> new IllegalArgumentException("a probe address names its peer: " + address));
        if (peer.equals(self)) {
            throw new IOException("refusing to probe " + address + ": it is this host's own PeerId");
        }
        Upgrader.Upgraded upgraded = dialAndUpgrade(address, Optional.of(peer));
        closeQuietly(upgraded.secure());
    }

    @Override
    public Connection connect(PeerId peer) throws IOException {
        requireOpen();
        if (peer.equals(self)) {
            throw new IOException("refusing to dial this host's own PeerId");
        }
        Optional<HostConnection> existing = openConnectionTo(peer);
        if (existing.isPresent()) {
            return existing.get();
        }
        CompletableFuture<Connection> mine = new CompletableFuture<>();
        CompletableFuture<Connection> running = pendingDials.putIfAbsent(peer, mine);
        if (running != null) {
            return awaitDial(peer, running);
        }
        try {
            Connection connection = dialAnyAddress(peer);
            mine.complete(connection);
            return connection;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            pendingDials.remove(peer, mine);
        }
    }

    private Connection awaitDial(PeerId peer, CompletableFuture<Connection> running) throws IOException {
        Duration bound = config.dialTimeout().plus(config.upgradeTimeout()).multipliedBy(MAX_ADDRESSES_PER_DIAL);
        try {
            return running.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException("dial to " + peer + " failed", cause);
        } catch (TimeoutException e) {
            throw new IOException("dial to " + peer + " did not finish within " + bound.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while dialing " + peer);
        }
    }

    private Connection dialAnyAddress(PeerId peer) throws IOException {
        List<Multiaddr> addresses = peerstore.addresses(peer).stream()
                .filter(a -> transports.stream().anyMatch(t -> t.canDial(a)))
                .limit(MAX_ADDRESSES_PER_DIAL)
                .toList();
        if (addresses.isEmpty()) {
            throw new IOException("no known dialable address for " + peer
                    + "; connect with a full multiaddr (/ip4/…/tcp/…/p2p/" + peer + ") first");
        }
        List<String> failures = new ArrayList<>();
        for (Multiaddr address : addresses) {
            try {
                return dial(address.withPeerId(peer), Optional.of(peer));
            } catch (IOException e) {
                failures.add(address + ": " + describe(e));
            }
        }
        throw new IOException("could not reach " + peer + " at any of its " + addresses.size() + " addresses: "
                + String.join("; ", failures));
    }

    @Override
    public Stream newStream(PeerId peer, List<String> protocols) throws IOException {
        Connection connection = openConnectionTo(peer).map(c -> (Connection) c).orElse(null);
        if (connection == null) {
            connection = connect(peer);
        }
        return connection.newStream(protocols);
    }

    // ---- addresses, peerstore, events ----

    @Override
    public List<Multiaddr> listenAddresses() {
        return listeners.stream().map(TransportListener::address).toList();
    }

    @Override
    public List<Multiaddr> advertisedAddresses() {
        return ListenAddresses.expandUnspecified(listenAddresses());
    }

    @Override
    public Peerstore peerstore() {
        return peerstore;
    }

    @Override
    public AutoCloseable subscribe(Consumer<HostEvent> listener) {
        return events.subscribe(listener);
    }

    @Override
    public void publish(HostEvent event) {
        events.publish(event);
    }

    /** Threads this host still owns (for shutdown tests and diagnostics). */
    public int liveThreadCount() {
        return threads.size();
    }

    private static ScheduledExecutorService newTimer(PeerId self) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "host-timer-" + self.shortString());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    // ---- shutdown ----

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listeners.forEach(BasicHost::closeQuietly);
        List<HostConnection> open = allConnections();
        // In parallel: each orderly close waits (boundedly) for its peer to hang up.
        try (var closers = java.util.concurrent.Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("host-close-", 1).factory())) {
            open.forEach(c -> closers.execute(c::close));
        }
        transports.forEach(BasicHost::closeQuietly);
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        if (!threads.closeAndJoin(CLOSE_TIMEOUT)) {
            log.warn("host {} closed with threads still running", self);
        }
        awaitEmptyRegistry(deadline);
        if (ownsTimer) {
            timer.shutdownNow();
        }
        listeners.clear();
        log.debug("host {} closed ({} connections)", self, open.size());
    }

    /**
     * Waits until every connection has left the registry. A connection registered just before close
     * but whose muxer had not started yet when it was closed reports its end from its own reader
     * thread a moment later; without this wait {@link #connections()} could still list it after
     * close returns. Closing is idempotent, so stragglers are closed again first.
     */
    private void awaitEmptyRegistry(long deadlineNanos) {
        allConnections().forEach(HostConnection::close);
        registryLock.lock();
        try {
            while (!connectionsByPeer.isEmpty()) {
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    log.warn("host {} closed with {} connections still registered", self, connectionsByPeer.size());
                    return;
                }
                registryEmptied.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            registryLock.unlock();
        }
    }

    private void requireOpen() throws IOException {
        if (closed.get()) {
            throw new IOException("the host is closed");
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Already failing or shutting down; the first error is the one reported.
        }
    }

    /** A one-line reason for logs: the exception's own message, or its type when it has none. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    @Override
    public String toString() {
        return "host " + self;
    }
}
