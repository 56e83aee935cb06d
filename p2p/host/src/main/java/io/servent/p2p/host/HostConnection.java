package io.servent.p2p.host;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Direction;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MuxedConnection;
import io.servent.p2p.api.MuxedStream;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.PublicKey;
import io.servent.p2p.api.ResourceLimitException;
import io.servent.p2p.api.SecureConnection;
import io.servent.p2p.api.Stream;
import io.servent.p2p.multistream.Multistream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** An upgraded connection owned by a {@link BasicHost}. Thread-safe. */
final class HostConnection implements Connection {
    private final String id;
    private final BasicHost host;
    private final SecureConnection secure;
    private final MuxedConnection muxed;
    private final String muxerProtocol;
    private final Direction direction;
    private final Instant openedAt = Instant.now();
    private final Set<HostStream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Streams admitted but still negotiating; they count against the limits like open ones. */
    private final AtomicInteger negotiating = new AtomicInteger();

    private final RefusalCounter refusals = new RefusalCounter();

    HostConnection(String id, BasicHost host, Upgrader.Upgraded upgraded, Direction direction) {
        this.id = id;
        this.host = host;
        this.secure = upgraded.secure();
        this.muxed = upgraded.muxed();
        this.muxerProtocol = upgraded.muxerProtocol();
        this.direction = direction;
    }

    MuxedConnection muxed() {
        return muxed;
    }

    HostMetrics metrics() {
        return host.metrics();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public PeerId localPeer() {
        return secure.localPeer();
    }

    @Override
    public PeerId remotePeer() {
        return secure.remotePeer();
    }

    @Override
    public PublicKey remotePublicKey() {
        return secure.remotePublicKey();
    }

    @Override
    public Multiaddr localAddress() {
        return secure.localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
        return secure.remoteAddress();
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public String securityProtocol() {
        return secure.securityProtocol();
    }

    @Override
    public String muxerProtocol() {
        return muxerProtocol;
    }

    @Override
    public Stream newStream(List<String> protocols) throws IOException {
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("name at least one protocol");
        }
        if (!isOpen()) {
            throw new IOException("connection " + id + " to " + remotePeer() + " is closed");
        }
        admitStream();
        MuxedStream stream;
        try {
            stream = muxed.openStream();
        } catch (IOException | RuntimeException e) {
            abandon();
            throw e;
        }
        try {
            String protocol = Multistream.select(
                    stream.in(),
                    stream.out(),
                    protocols,
                    stream::setReadTimeout,
                    host.config().negotiationTimeout());
            return track(new HostStream(stream, protocol, this, Direction.OUTBOUND));
        } catch (IOException | RuntimeException e) {
            stream.reset();
            abandon();
            throw e;
        }
    }

    /**
     * Reserves room for one more stream under the per-connection and per-peer limits; the caller
     * then either {@link #track tracks} the stream or {@link #abandon abandons} the reservation.
     */
    void admitStream() throws ResourceLimitException {
        HostLimits limits = host.config().limits();
        int onConnection = negotiating.incrementAndGet() + streams.size();
        if (onConnection > limits.maxStreamsPerConnection()) {
            negotiating.decrementAndGet();
            throw new ResourceLimitException("stream limit reached: " + (onConnection - 1)
                    + " streams open on connection " + id + " (maxStreamsPerConnection = "
                    + limits.maxStreamsPerConnection() + ")");
        }
        int perPeer = host.streamCount(remotePeer());
        if (perPeer > limits.maxStreamsPerPeer()) {
            negotiating.decrementAndGet();
            throw new ResourceLimitException("stream limit reached: " + (perPeer - 1) + " streams open to "
                    + remotePeer() + " (maxStreamsPerPeer = " + limits.maxStreamsPerPeer() + ")");
        }
    }

    void abandon() {
        negotiating.decrementAndGet();
    }

    /** Counts an inbound stream refused for a limit; true once the peer is flooding and should be dropped. */
    boolean refusedAndFlooding() {
        return refusals.recordAndCheck();
    }

    HostStream track(HostStream stream) {
        streams.add(stream);
        negotiating.decrementAndGet();
        if (!isOpen()) {
            // Closed while negotiating: don't leave the stream behind.
            stream.reset();
        }
        return stream;
    }

    void forget(HostStream stream) {
        streams.remove(stream);
    }

    /** Open streams plus those still negotiating. */
    int streamCount() {
        return streams.size() + negotiating.get();
    }

    @Override
    public List<Stream> streams() {
        return List.copyOf(streams);
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && muxed.isOpen();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (HostStream s : streams) {
                s.reset();
            }
            BasicHost.closeQuietly(muxed);
        }
    }

    /** Called once the muxer reports the end of the connection. */
    void markClosed() {
        if (closed.compareAndSet(false, true)) {
            for (HostStream s : streams) {
                s.reset();
            }
        }
    }

    @Override
    public String toString() {
        return id + " " + direction.name().toLowerCase(java.util.Locale.ROOT) + " "
                + remotePeer().shortString() + " at " + remoteAddress();
    }
}
