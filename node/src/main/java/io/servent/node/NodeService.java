package io.servent.node;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiformatException;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PeerIdMismatchException;
import io.servent.p2p.api.ProtocolNotSupportedException;
import io.servent.p2p.api.ResourceLimitException;
import io.servent.p2p.perf.PerfResult;
import io.servent.p2p.perf.PerfService;
import io.servent.p2p.ping.PingService;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node can be asked to do, in terms a client understands: the layer between the control
 * API's routes (and later the web UI) and the host. Validates input, bounds every request, turns
 * network failures into {@link NodeException}s with a readable message. Thread-safe.
 */
public final class NodeService {
    public static final int MAX_PING_COUNT = 100;
    public static final long MAX_PERF_BYTES = 16L << 30;

    /** How long {@link #connect} waits for identify, so the answer can name the peer's agent. */
    private static final Duration IDENTIFY_WAIT = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(NodeService.class);

    private final Host host;
    private final PingService ping;
    private final PerfService perf;
    private final String agent;
    private final Runnable shutdown;

    NodeService(Host host, PingService ping, PerfService perf, String agent, Runnable shutdown) {
        this.host = host;
        this.ping = ping;
        this.perf = perf;
        this.agent = agent;
        this.shutdown = shutdown;
    }

    public NodeIdentity identity() {
        PeerId self = host.peerId();
        return new NodeIdentity(
                self.toString(),
                Base64.getEncoder().encodeToString(host.publicKey().marshal()),
                host.advertisedAddresses().stream()
                        .map(a -> a.withPeerId(self).toString())
                        .toList(),
                agent,
                host.protocols().stream().sorted().toList());
    }

    /** Every open connection, oldest first. */
    public List<PeerConnection> peers() {
        return host.connections().stream()
                .sorted(Comparator.comparing(Connection::openedAt))
                .map(this::describe)
                .toList();
    }

    PeerConnection describe(Connection c) {
        PeerId peer = c.remotePeer();
        @Nullable
        Double latency =
                host.peerstore().latency(peer).map(d -> d.toNanos() / 1e6).orElse(null);
        return new PeerConnection(
                peer.toString(),
                c.id(),
                c.remoteAddress().toString(),
                c.direction().name().toLowerCase(Locale.ROOT),
                c.securityProtocol(),
                c.muxerProtocol(),
                host.peerstore().agentVersion(peer).orElse(null),
                host.peerstore().protocols(peer).stream().sorted().toList(),
                latency,
                c.streams().size(),
                c.openedAt().toString());
    }

    /** Connects to {@code address} and waits briefly for identify so the answer names the agent. */
    public PeerConnection connect(String address) throws NodeException {
        Multiaddr target = parseAddress(address);
        CountDownLatch identified = new CountDownLatch(1);
        @Nullable PeerId expected = target.peerId().orElse(null);
        Connection connection;
        try (AutoCloseable subscription = host.subscribe(event -> {
            if (event instanceof HostEvent.PeerIdentified id
                    && (expected == null || id.peer().equals(expected))) {
                identified.countDown();
            }
        })) {
            connection = connectTo(target);
            if (host.peerstore().agentVersion(connection.remotePeer()).isEmpty()) {
                identified.await(IDENTIFY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (NodeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeException(NodeException.Kind.UNAVAILABLE, "interrupted while connecting", e);
        } catch (Exception e) {
            throw new IllegalStateException("unsubscribing failed", e);
        }
        return describe(connection);
    }

    /** Pings {@code target} (a multiaddr, connected to first, or the PeerId of a known peer). */
    public PingReport ping(String target, int count) throws NodeException {
        if (count < 1 || count > MAX_PING_COUNT) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT, "count must be 1-" + MAX_PING_COUNT + ", not " + count);
        }
        PeerId peer = resolve(target);
        List<Duration> rtts;
        try {
            rtts = ping.ping(peer, count);
        } catch (IOException e) {
            throw failure("ping " + peer, e);
        }
        List<Double> ms = rtts.stream().map(d -> d.toNanos() / 1e6).toList();
        double min = ms.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = ms.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double avg = ms.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return new PingReport(peer.toString(), ms, min, avg, max);
    }

    /** Runs {@code /perf/1.0.0} against {@code target} (a multiaddr or the PeerId of a known peer). */
    public PerfReport perf(String target, long uploadBytes, long downloadBytes) throws NodeException {
        for (long size : new long[] {uploadBytes, downloadBytes}) {
            if (size < 0 || size > MAX_PERF_BYTES) {
                throw new NodeException(
                        NodeException.Kind.BAD_INPUT,
                        "perf sizes must be 0-" + ByteSize.format(MAX_PERF_BYTES) + ", not " + size);
            }
        }
        PeerId peer = resolve(target);
        PerfResult result;
        try {
            result = perf.run(peer, uploadBytes, downloadBytes);
        } catch (IOException e) {
            throw failure("perf with " + peer, e);
        }
        return new PerfReport(
                peer.toString(),
                result.uploadBytes(),
                result.downloadBytes(),
                seconds(result.uploadTime()),
                seconds(result.downloadTime()),
                seconds(result.total()),
                result.uploadBytesPerSecond() / 1e6,
                result.downloadBytesPerSecond() / 1e6);
    }

    /** Asks the daemon to stop; it does so after this call returns. */
    public void shutdown() {
        log.info("shutdown requested through the control API");
        shutdown.run();
    }

    // ---- helpers ----

    /** A multiaddr is dialed (or its open connection reused); a PeerId must be connected or known. */
    private PeerId resolve(String target) throws NodeException {
        String text = target.strip();
        if (text.startsWith("/")) {
            return connectTo(parseAddress(text)).remotePeer();
        }
        PeerId peer;
        try {
            peer = PeerId.parse(text);
        } catch (MultiformatException e) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT,
                    "'" + abbreviate(text) + "' is neither a multiaddr nor a PeerId: " + e.getMessage());
        }
        if (peer.equals(host.peerId())) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, peer + " is this node itself");
        }
        if (host.connections(peer).isEmpty() && host.peerstore().addresses(peer).isEmpty()) {
            throw new NodeException(
                    NodeException.Kind.NOT_FOUND,
                    "unknown peer " + peer + ": not connected and no known address; connect to its multiaddr first");
        }
        return peer;
    }

    private Connection connectTo(Multiaddr address) throws NodeException {
        if (address.peerId().filter(host.peerId()::equals).isPresent()) {
            throw new NodeException(NodeException.Kind.BAD_INPUT, address + " is this node itself");
        }
        try {
            return host.connect(address);
        } catch (IOException e) {
            throw failure("connect to " + address, e);
        }
    }

    private static Multiaddr parseAddress(String text) throws NodeException {
        try {
            return Multiaddr.parse(text.strip());
        } catch (MultiformatException e) {
            throw new NodeException(
                    NodeException.Kind.BAD_INPUT, "'" + abbreviate(text) + "' is not a multiaddr: " + e.getMessage());
        }
    }

    /** Turns a network failure into a message and a kind; logs the detail at debug. */
    static NodeException failure(String what, IOException e) {
        log.debug("{} failed", what, e);
        NodeException.Kind kind = NodeException.Kind.UNREACHABLE;
        String reason = rootMessage(e);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedIOException) {
                kind = NodeException.Kind.TIMEOUT;
                reason = "timed out (" + rootMessage(t) + ")";
                break;
            }
            if (t instanceof ConnectException) {
                reason = "connection refused (is a servent listening there?)";
                break;
            }
            if (t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
                reason = "no route to that host";
                break;
            }
            if (t instanceof PeerIdMismatchException || t instanceof ProtocolNotSupportedException) {
                reason = t.getMessage();
                break;
            }
            if (t instanceof ResourceLimitException) {
                kind = NodeException.Kind.UNAVAILABLE;
                reason = t.getMessage();
                break;
            }
        }
        return new NodeException(kind, "cannot " + what + ": " + reason, e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getMessage();
        }
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "…";
    }
}
