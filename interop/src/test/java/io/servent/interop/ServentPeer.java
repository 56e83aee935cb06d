package io.servent.interop;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiaddrProtocol;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Stream;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.identify.IdentifyService;
import io.servent.p2p.perf.PerfService;
import io.servent.p2p.ping.PingService;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The servent side of the interop tests: a {@link BasicHost} in the test JVM with the default TCP +
 * Noise + Yamux stack, listening on 127.0.0.1 and ::1, serving identify, ping, perf and the js
 * peer's {@code /echo/1.0.0} (hashing what it echoes, so a test can compare with the js side). It
 * records every host event. Thread-safe.
 */
final class ServentPeer implements AutoCloseable {
    static final String AGENT = "servent-interop/0.1.0";
    static final Multiaddr LOOPBACK4 = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");
    static final Multiaddr LOOPBACK6 = Multiaddr.parse("/ip6/::1/tcp/0");

    private static final int CHUNK = 64 * 1024;
    private static final Duration ECHO_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** One stream the echo handler served: who sent it, how many bytes and their SHA-256 (hex). */
    record Echoed(PeerId peer, long bytes, String sha256) {}

    /** A servent-side echo: what went out and what came back, each with its SHA-256 (hex). */
    record EchoOutcome(long sent, String sentSha256, long received, String receivedSha256, Duration time) {}

    private final BasicHost host;
    private final IdentifyService identify;
    private final PingService ping;
    private final PerfService perf;
    private final List<HostEvent> events = new CopyOnWriteArrayList<>();
    private final List<Echoed> echoed = new CopyOnWriteArrayList<>();
    private final AtomicInteger echoing = new AtomicInteger();
    private final AtomicInteger mostEchoingAtOnce = new AtomicInteger();
    private final AutoCloseable subscription;

    private ServentPeer(BasicHost host) {
        this.host = host;
        this.subscription = host.subscribe(events::add);
        this.identify = new IdentifyService(host, AGENT);
        this.ping = new PingService(host);
        this.perf = new PerfService(host);
        host.setStreamHandler(JsPeer.ECHO_PROTOCOL, this::serveEcho);
    }

    /** Starts a host with a fresh key on both loopback addresses. */
    static ServentPeer start() throws IOException {
        BasicHost host = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(HostConfig.defaults().withListenAddresses(List.of(LOOPBACK4, LOOPBACK6)))
                .build();
        ServentPeer peer = new ServentPeer(host);
        try {
            host.start();
        } catch (IOException | RuntimeException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    BasicHost host() {
        return host;
    }

    PeerId peerId() {
        return host.peerId();
    }

    PingService ping() {
        return ping;
    }

    PerfService perf() {
        return perf;
    }

    /** The IPv4 listen address, with {@code /p2p/}. */
    Multiaddr addr() {
        return listenAddress(MultiaddrProtocol.IP4);
    }

    /** The IPv6 listen address, with {@code /p2p/}. */
    Multiaddr addr6() {
        return listenAddress(MultiaddrProtocol.IP6);
    }

    private Multiaddr listenAddress(MultiaddrProtocol ip) {
        return host.listenAddresses().stream()
                .filter(a -> a.has(ip))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + ip + " listen address: " + host.listenAddresses()))
                .withPeerId(host.peerId());
    }

    /** The one open connection to {@code peer}, once there is one. */
    Connection awaitConnection(PeerId peer, Duration timeout) {
        Await.until(
                timeout, () -> host.connections(peer).stream().anyMatch(Connection::isOpen), "connected to " + peer);
        return host.connections(peer).stream()
                .filter(Connection::isOpen)
                .findFirst()
                .orElseThrow(() -> new AssertionError("the connection to " + peer + " closed again"));
    }

    List<HostEvent> events() {
        return List.copyOf(events);
    }

    /** The first event of this type that matches, seen so far or arriving within the timeout. */
    <T extends HostEvent> T awaitEvent(Class<T> type, Predicate<T> match, Duration timeout) {
        Await.until(timeout, () -> find(type, match) != null, "a matching " + type.getSimpleName() + " event");
        T found = find(type, match);
        if (found == null) {
            throw new AssertionError("the event vanished");
        }
        return found;
    }

    private <T extends HostEvent> @Nullable T find(Class<T> type, Predicate<T> match) {
        for (HostEvent e : events) {
            if (type.isInstance(e) && match.test(type.cast(e))) {
                return type.cast(e);
            }
        }
        return null;
    }

    /** Streams the echo handler has finished serving for {@code peer}, waiting until there are {@code count}. */
    List<Echoed> awaitEchoed(PeerId peer, int count, Duration timeout) {
        Await.until(timeout, () -> echoedBy(peer).size() >= count, count + " echo streams served for " + peer);
        return echoedBy(peer);
    }

    List<Echoed> echoedBy(PeerId peer) {
        return echoed.stream().filter(e -> e.peer().equals(peer)).toList();
    }

    /** The most echo streams the handler served at the same time. */
    int mostEchoingAtOnce() {
        return mostEchoingAtOnce.get();
    }

    private void serveEcho(Stream stream) throws IOException {
        mostEchoingAtOnce.accumulateAndGet(echoing.incrementAndGet(), Math::max);
        try {
            echoOnce(stream);
        } finally {
            echoing.decrementAndGet();
        }
    }

    private void echoOnce(Stream stream) throws IOException {
        stream.setReadTimeout(ECHO_IDLE_TIMEOUT);
        stream.setWriteTimeout(ECHO_IDLE_TIMEOUT);
        MessageDigest hash = sha256();
        InputStream in = stream.in();
        OutputStream out = stream.out();
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            hash.update(buffer, 0, n);
            total += n;
            out.write(buffer, 0, n);
            out.flush();
        }
        stream.closeWrite();
        echoed.add(new Echoed(stream.remotePeer(), total, HexFormat.of().formatHex(hash.digest())));
    }

    /**
     * Opens an echo stream on {@code connection}, sends {@code bytes} pseudo-random bytes (from
     * {@code seed}), closes the write side and reads everything back, hashing both directions.
     */
    static EchoOutcome echo(Connection connection, long bytes, long seed, Duration timeout) throws IOException {
        return echo(connection.newStream(JsPeer.ECHO_PROTOCOL), bytes, seed, timeout);
    }

    /** As {@link #echo(Connection, long, long, Duration)} on a stream already open for the echo protocol. */
    static EchoOutcome echo(Stream stream, long bytes, long seed, Duration timeout) throws IOException {
        long start = System.nanoTime();
        stream.setReadTimeout(timeout);
        stream.setWriteTimeout(timeout);
        // Read while writing: the peer echoes as it receives and would stall once our window is full.
        CompletableFuture<Drained> reader = new CompletableFuture<>();
        Thread.ofVirtual().name("echo-reader-" + stream.id()).start(() -> {
            try {
                reader.complete(drain(stream.in()));
            } catch (IOException | RuntimeException e) {
                reader.completeExceptionally(e);
            }
        });
        MessageDigest sent = sha256();
        try {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] chunk = new byte[CHUNK];
            OutputStream out = stream.out();
            for (long left = bytes; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                random.nextBytes(chunk);
                sent.update(chunk, 0, n);
                out.write(chunk, 0, n);
                left -= n;
            }
            out.flush();
            stream.closeWrite();
            Drained back = reader.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            stream.close();
            return new EchoOutcome(
                    bytes,
                    HexFormat.of().formatHex(sent.digest()),
                    back.bytes(),
                    back.sha256(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (ExecutionException e) {
            stream.reset();
            throw e.getCause() instanceof IOException io ? io : new IOException("echo read failed", e.getCause());
        } catch (TimeoutException e) {
            stream.reset();
            throw new IOException("the echo did not come back within " + timeout, e);
        } catch (InterruptedException e) {
            stream.reset();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during the echo");
        } catch (IOException | RuntimeException e) {
            stream.reset();
            throw e;
        }
    }

    private record Drained(long bytes, String sha256) {}

    private static Drained drain(InputStream in) throws IOException {
        MessageDigest hash = sha256();
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            hash.update(buffer, 0, n);
            total += n;
        }
        return new Drained(total, HexFormat.of().formatHex(hash.digest()));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** Closes the services and the host (every connection, stream and thread of it). */
    @Override
    public void close() {
        // The host first: closing a service first would make identify push its shrinking protocol list.
        host.close();
        identify.close();
        ping.close();
        perf.close();
        try {
            subscription.close();
        } catch (Exception e) {
            throw new IllegalStateException("unsubscribing failed", e);
        }
    }

    @Override
    public String toString() {
        return "servent(" + host.peerId() + ")";
    }
}
